"""The home app keeps no rows of its own: the dashboard reads every app's selectors. Its
migrations hold the history of ``DemoSeed``, which the demo app now keeps (demo/models.py)."""
