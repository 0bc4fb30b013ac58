"""Webinars: series and sessions packaged like courses, their recordings, slides, chapters,
captions, summaries and Q&A compilations, import from a trainer's files, and playback."""
