"""The web interface's files: ECharts and each installed city's county boundaries, copied by
``python -m infra.web_assets`` from what npm installed, named by the city's own deployment file."""

from pathlib import Path

import pytest

from core.config import ConfigError, load_deployment, read_toml
from infra.web_assets import AssetError, copy_boundaries, installed_cities

BUILT_IN = {"lanzhou": "gan1_su4_lan2_zhou1", "ziyang": "si4_chuan1_zi1_yang2",
            "sanming": "fu2_jian4_san1_ming2", "changsha": "hu2_nan2_chang2_sha1",
            "pingliang": "gan1_su4_ping2_liang2"}


def test_each_built_in_city_names_its_county_boundaries_in_its_own_file():
    assert {code: name for code, name in installed_cities() if code in BUILT_IN} == BUILT_IN


def test_the_named_boundaries_are_copied_under_the_city_code(tmp_path: Path):
    package = tmp_path / "package"
    package.mkdir()
    (package / "gan1_su4_tian1_shui3.js").write_text("echarts.registerMap('天水', {});")
    vendor = tmp_path / "vendor"

    copied = copy_boundaries([("tianshui", "gan1_su4_tian1_shui3"), ("nomap", None)],
                             vendor, package)

    assert copied == ["tianshui"]
    assert (vendor / "maps" / "tianshui.js").read_text() == "echarts.registerMap('天水', {});"
    assert not (vendor / "maps" / "nomap.js").exists()


def test_a_boundary_name_the_package_lacks_is_refused_by_name(tmp_path: Path):
    with pytest.raises(AssetError, match="gan1_su4_nowhere"):
        copy_boundaries([("tianshui", "gan1_su4_nowhere")], tmp_path / "vendor", tmp_path)


def test_a_boundary_name_that_is_a_path_is_refused_by_the_city_configuration(tmp_path: Path):
    source = Path("plugins/lanzhou/config.toml").read_text(encoding="utf-8")
    bad = tmp_path / "config.toml"
    bad.write_text(source.replace('map_boundary = "gan1_su4_lan2_zhou1"',
                                  'map_boundary = "../../etc/passwd"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="map_boundary"):
        load_deployment(read_toml(bad), str(bad))
