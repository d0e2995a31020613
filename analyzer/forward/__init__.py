"""Forward solvency: the book and the company projected date by date over the next years.

:mod:`analyzer.forward.plan_file` reads the plan (new money, insurance capital, capital
actions, the allocation policy), :mod:`analyzer.forward.vintages` spreads the annual
Takahashi-Alexander commitment model over the projection steps,
:mod:`analyzer.forward.ageing` moves the positions one step, and
:mod:`analyzer.forward.projection` runs the full engine (and the Annex 4 stresses at year-ends)
on every projected date. :mod:`analyzer.forward.planner` optimises the path.
"""
