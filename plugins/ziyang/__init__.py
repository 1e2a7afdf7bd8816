"""资阳市 city plugin: 六个一：产业招商工作机制.

The entry point ``zhaoshang.cities: ziyang`` names :mod:`plugins.ziyang.plugin`, which
holds the hook implementations; its default deployment
configuration is ``config.toml`` beside this file.
"""
