"""平凉市 city plugin: 大招商、招大商、招好商：四张清单、五项机制.

The entry point ``zhaoshang.cities: pingliang`` names :mod:`plugins.pingliang.plugin`, which
holds the hook implementations; its default deployment
configuration is ``config.toml`` beside this file.
"""
