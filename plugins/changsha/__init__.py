"""长沙市 city plugin: 一事一议：重大项目一企一策.

The entry point ``zhaoshang.cities: changsha`` names :mod:`plugins.changsha.plugin`, which
holds the hook implementations; its default deployment
configuration is ``config.toml`` beside this file.
"""
