"""兰州市 city plugin: 两真四有：真招商、招真商，招商有功、有责、有序、有方.

The entry point ``zhaoshang.cities: lanzhou`` names :mod:`plugins.lanzhou.plugin`, which
holds the hook implementations; its default deployment
configuration is ``config.toml`` beside this file.
"""
