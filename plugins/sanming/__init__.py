"""三明市 city plugin: 大招商招好商攻坚战役.

The entry point ``zhaoshang.cities: sanming`` names :mod:`plugins.sanming.plugin`, which
holds the hook implementations; its default deployment
configuration is ``config.toml`` beside this file.
"""
