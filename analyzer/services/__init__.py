"""The application services behind :mod:`analyzer.api`: what a front end (the command line,
the dashboard) asks of the core, as functions that take validated inputs and return result
objects. A front end imports them through :mod:`analyzer.api`, never from here.
"""
