"""The core's own tests, a package: its subpackages (``tests.province``, ``tests.events`` …) are
never taken for the top-level packages they are named after (``province``), whatever the order in
which a run collects them."""
