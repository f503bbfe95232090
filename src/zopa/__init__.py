"""zopa — war-game a deal renegotiation.

Data flows one way: scenario → model → paths → term values → packages → analysis → outputs.
"""

__version__ = "0.1.0"
