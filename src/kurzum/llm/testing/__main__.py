"""``python -m kurzum.llm.testing`` serves the scripted scenarios."""

from kurzum.llm.testing.server import main

main()
