"""Tests for scaling_models.loaders, the sample data and its generator."""

import dataclasses
import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scaling_models import loaders, resources
from scaling_models.loaders import DATA_DIR, SCHEMAS, DataError

SAMPLES = ("company_history.csv", "debt_backlog.csv", "hiring_funnel.csv")
# the repository's data folder: its README and generator are not shipped in the package
REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample_data",
                                                  REPO_DATA / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def history():
    return loaders.load_history()


# --- the sample data ----------------------------------------------------------------------


def test_history_index(history):
    assert isinstance(history.index, pd.PeriodIndex)
    assert history.index.name == "month"
    assert history.index.freqstr == "M"
    assert len(history) == 36
    assert str(history.index[0]) == "2021-07" and str(history.index[-1]) == "2024-06"


@pytest.mark.parametrize(
    ("column", "expected", "tolerance"),
    [
        # docs/domain.md section 1, the article's worked example
        ("mau", 50_000, 2_500),
        ("transactions_per_day", 10_000, 500),
        ("revenue", 100_000, 5_000),
        ("cpu_avg", 0.70, 0.03),
        ("cpu_peak", 0.95, 0.03),
        ("memory_avg", 0.60, 0.03),
        ("memory_peak", 0.85, 0.03),
        ("db_avg", 0.80, 0.03),
        ("db_peak", 1.00, 0.03),
        ("bandwidth_avg", 0.40, 0.03),
        ("bandwidth_peak", 0.70, 0.03),
        ("velocity", 30, 3),
        ("cycle_time_days", 12, 1),
    ],
)
def test_last_month_matches_the_worked_example(history, column, expected, tolerance):
    assert history[column].iloc[-1] == pytest.approx(expected, abs=tolerance)


def test_last_months_grow_about_15_percent(history):
    mau = history["mau"].to_numpy()
    monthly = (mau[-1] / mau[-7]) ** (1 / 6) - 1
    assert monthly == pytest.approx(0.15, abs=0.015)
    revenue_per_user = history["revenue"].iloc[-1] / mau[-1]
    assert revenue_per_user == pytest.approx(2.0, abs=0.1)  # 100 K EUR / 50 K MAU


def test_history_is_noisy_not_a_smooth_curve(history):
    growth = history["mau"].pct_change().dropna()
    assert growth.std() > 0.03
    assert (growth < 0).any()  # a summer dip
    # infra upgrades step utilisation down at least twice for each resource
    for column in ("cpu_avg", "db_avg", "bandwidth_avg"):
        assert (history[column].diff() < -0.15).sum() >= 2, column
    # one incident month dominates error rate and availability
    worst = history["error_rate"].idxmax()
    assert str(worst) == "2023-02"
    assert history["availability"].idxmin() == worst
    assert history["p95_response_time_s"].idxmax() == worst
    # a hiring freeze of several months
    freeze = history.loc["2022-11":"2023-02", "hires"]
    assert len(freeze) == 4 and (freeze == 0).all()
    # pool steps
    assert history["db_pool_size"].nunique() >= 3


def test_history_shows_the_article_warning_signs(history):
    last = history.iloc[-6:]
    earlier = history.iloc[-18:-6]
    assert last["p95_response_time_s"].iloc[-1] > last["p95_response_time_s"].iloc[0]
    assert last["deploys_per_week"].mean() < earlier["deploys_per_week"].mean()
    assert last["code_review_hours"].mean() > earlier["code_review_hours"].mean()


def test_history_columns_follow_the_schema(history):
    documented = SCHEMAS["company_history.csv"].names
    assert set(history.columns) <= set(documented)
    assert set(documented) - set(history.columns) - {"month"} == {"storage"}


def test_backlog_sample():
    backlog = loaders.load_backlog()
    assert len(backlog) == 20
    assert backlog.index.name == "item"
    assert "Monolithic user service" in backlog.index
    assert backlog["priority"].cat.ordered
    assert list(backlog["priority"].cat.categories) == ["low", "medium", "high"]
    assert set(backlog["priority"]) == {"low", "medium", "high"}
    assert (backlog["incidents_avoided_per_month"] <= backlog["incidents_per_month"]).all()


def test_funnel_sample(history):
    funnel = loaders.load_funnel()
    assert funnel.index.freqstr.startswith("Q")
    assert [str(q) for q in funnel.index] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4",
                                               "2024Q1", "2024Q2"]
    counts = funnel.to_numpy()
    assert (np.diff(counts, axis=1) <= 0).all()
    # hires in the funnel are the history's hires of each quarter
    by_quarter = history["hires"].groupby(history.index.asfreq("Q")).sum()
    assert (funnel["hired"] == by_quarter.loc[funnel.index]).all()
    # roughly the article's 100 applications per hire (docs/domain.md section 6)
    ratio = funnel["qualified"].sum() / funnel["applications"].sum()
    assert ratio == pytest.approx(0.30, abs=0.06)


def test_load_data_dir():
    bundle = loaders.load_data_dir()
    assert len(bundle.history) == 36 and len(bundle.backlog) == 20
    assert "cpu" in bundle.thresholds.index
    assert list(bundle.scenarios.index[:2]) == ["projection_conservative",
                                                "projection_realistic"]
    with pytest.raises(AttributeError):
        bundle.history = None


def test_bundle_fields_follow_data_files():
    # one list: DATA_FILES, SCHEMAS, the bundle's fields and the batch check agree
    from scaling_models import batch

    assert loaders.REQUIRED_DATA_FILES == tuple(SCHEMAS)
    assert loaders.DATA_FILES == loaders.REQUIRED_DATA_FILES + loaders.OPTIONAL_DATA_FILES
    assert set(batch.DATA_FILES) == set(loaders.DATA_FILES)
    fields = [f.name for f in dataclasses.fields(loaders.DataBundle)]
    assert len(fields) == len(loaders.DATA_FILES)
    bundle = loaders.load_data_dir()
    for field, file in zip(fields, loaders.DATA_FILES, strict=True):
        assert isinstance(getattr(bundle, field), pd.DataFrame), (field, file)


def test_packaged_defaults_match_the_repository_copies():
    # the wheel ships scaling_models/_defaults; users read and edit data/ and notebooks/
    repo = REPO_DATA.parent
    for name in loaders.DATA_FILES:
        assert (DATA_DIR / name).read_bytes() == (REPO_DATA / name).read_bytes(), name
    board = repo / "notebooks" / "board_report.ipynb"
    assert (DATA_DIR / "board_report.ipynb").read_bytes() == board.read_bytes()


def test_load_data_dir_elsewhere(tmp_path):
    for name in loaders.DATA_FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    assert len(loaders.load_data_dir(tmp_path).funnel) == 6
    (tmp_path / "hiring_funnel.csv").unlink()
    with pytest.raises(FileNotFoundError, match="hiring_funnel.csv"):
        loaders.load_data_dir(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        loaders.load_data_dir(tmp_path / "nowhere")


def test_levers_in_a_data_folder_are_optional(tmp_path):
    for name in loaders.REQUIRED_DATA_FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    # none in the folder: the default catalogue, read like any data file
    bundle = loaders.load_data_dir(tmp_path)
    assert bundle.levers.attrs["sources"] == [str(loaders.DEFAULT_LEVERS_PATH)]
    pd.testing.assert_frame_equal(bundle.levers, loaders.load_levers())
    # the folder's own file replaces it
    own = tmp_path / "levers.yaml"
    own.write_text("levers:\n  - {key: bigger_db, label: Bigger database, category: "
                   "infrastructure, relieves: {db_utilisation: {factor: 2}}, "
                   "lead_time_months: 1, one_off_cost: 100, monthly_cost: 10, "
                   "max_count: 1}\n")
    bundle = loaders.load_data_dir(tmp_path)
    assert list(bundle.levers.index) == ["bigger_db"]
    assert bundle.levers.attrs["sources"] == [str(own)]
    # and is validated with the other files: the error names the file, lever and field
    own.write_text(own.read_text().replace("lead_time_months: 1", "lead_time_months: -2"))
    with pytest.raises(DataError, match=r"levers\.yaml.*'bigger_db'.*'lead_time_months'"):
        loaders.load_data_dir(tmp_path)


# --- the generator ----------------------------------------------------------------------


def test_generator_is_reproducible_and_rebuilds_the_committed_files(tmp_path):
    make = _generator()
    first = make.main(tmp_path / "a")
    second = make.main(tmp_path / "b")
    for name in SAMPLES:
        data = first[name].read_bytes()
        assert data == second[name].read_bytes(), name
        assert data == (DATA_DIR / name).read_bytes(), f"{name}: rerun make_sample_data.py"


def test_generator_seed_changes_the_data(tmp_path):
    make = _generator()
    other = make.main(tmp_path, seed=1)
    assert other["company_history.csv"].read_bytes() != (
        DATA_DIR / "company_history.csv").read_bytes()
    loaders.load_history(other["company_history.csv"])  # still valid


# --- README and schema agree -------------------------------------------------------------


@pytest.mark.parametrize("file", list(SCHEMAS))
def test_readme_tables_match_the_schema(file):
    readme = (REPO_DATA / "README.md").read_text()
    found = re.search(rf"<!-- columns: {re.escape(file)} -->\n(.*?)\n<!-- end columns -->",
                      readme, flags=re.S)
    assert found, f"no column table for {file} in data/README.md"
    assert found.group(1) == loaders.schema_markdown(file)


def test_readme_mentions_every_file():
    readme = (REPO_DATA / "README.md").read_text()
    for name in (*SCHEMAS, "scenarios.yaml", "make_sample_data.py"):
        assert f"`{name}`" in readme


# --- bad inputs, each a small hand-made file ---------------------------------------------

REQUIRED = [c.name for c in SCHEMAS["company_history.csv"].columns if c.required]
ROW = {
    "mau": "1000", "transactions_per_day": "200", "revenue": "2000", "infra_cost": "300",
    "cpu_avg": "0.5", "cpu_peak": "0.7", "memory_avg": "0.4", "memory_peak": "0.6",
    "db_avg": "0.5", "db_peak": "0.8", "bandwidth_avg": "0.2", "bandwidth_peak": "0.4",
    "team_size": "4", "velocity": "20", "cycle_time_days": "8",
}


def history_csv(tmp_path, months=("2024-01", "2024-02", "2024-03"), columns=None,
                edit=None, name="history.csv"):
    """A minimal valid history; ``edit`` maps (row, column) -> new cell text."""
    columns = columns or REQUIRED
    lines = [",".join(columns)]
    for i, month in enumerate(months):
        cells = {"month": month, **ROW}
        for (row, column), value in (edit or {}).items():
            if row == i:
                cells[column] = value
        lines.append(",".join(cells.get(c, "") for c in columns))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_minimal_user_file_loads(tmp_path):
    table = loaders.load_history(history_csv(tmp_path))
    assert list(table.columns) == REQUIRED[1:]
    assert table["mau"].dtype == np.int64
    assert table["cpu_avg"].dtype == np.float64


def test_optional_documented_columns_with_gaps_load(tmp_path):
    path = history_csv(tmp_path, columns=[*REQUIRED, "storage", "incidents"],
                       edit={(0, "storage"): "0.5", (1, "storage"): "0.55",
                             (0, "incidents"): "2", (2, "incidents"): "1"})
    table = loaders.load_history(path)
    assert table["storage"].isna().sum() == 1
    assert table["incidents"].tolist()[0] == 2


def test_utf8_bom_and_spaces_are_fine(tmp_path):
    path = history_csv(tmp_path)
    text = path.read_text().replace(",", ", ")
    path.write_bytes("\ufeff".encode() + text.encode())
    assert len(loaders.load_history(path)) == 3


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "history.csv: the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file \\(binary"),
        (b"\xff\xfe\xfa month", "not a UTF-8 CSV"),
        (b'[{"month": "2024-01", "mau": 1000}]', "looks like JSON, not CSV"),
        (b"month;mau;revenue\n2024-01;1000;2000\n", "another delimiter"),
    ],
)
def test_not_a_csv(tmp_path, content, match):
    path = tmp_path / "history.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        loaders.load_history(path)


def test_header_without_rows(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(",".join(REQUIRED) + "\n")
    with pytest.raises(DataError, match="header but no data rows"):
        loaders.load_history(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="company_history.csv: no such file"):
        loaders.load_history(tmp_path / "nope.csv")


def test_thousands_separator_shifts_no_field(tmp_path):
    path = history_csv(tmp_path, edit={(1, "revenue"): "2,000"})
    with pytest.raises(DataError, match="line 3 has 17 fields but the header has 16; "
                                        "check for thousands separators"):
        loaders.load_history(path)


def test_na_spellings_are_missing_values(tmp_path):
    path = history_csv(tmp_path, columns=[*REQUIRED, "churn"],
                       edit={(0, "churn"): "0.05", (1, "churn"): "NA", (2, "churn"): "null"})
    assert loaders.load_history(path)["churn"].isna().sum() == 2
    path = history_csv(tmp_path, edit={(1, "mau"): "N/A"})
    with pytest.raises(DataError, match="'mau', row month 2024-02: empty cell"):
        loaders.load_history(path)


def test_missing_column(tmp_path):
    columns = [c for c in REQUIRED if c not in ("revenue", "velocity")]
    with pytest.raises(DataError, match="missing required column.*revenue, velocity"):
        loaders.load_history(history_csv(tmp_path, columns=columns))


def test_unknown_column_suggests_closest(tmp_path):
    columns = [c if c != "cpu_avg" else "cpu_average" for c in REQUIRED]
    path = history_csv(tmp_path, columns=columns, edit={(i, "cpu_average"): "0.5"
                                                        for i in range(3)})
    with pytest.raises(DataError, match="column 'cpu_average': unknown column; "
                                        "did you mean 'cpu_avg'"):
        loaders.load_history(path)


def test_undocumented_extra_column_is_rejected(tmp_path):
    path = history_csv(tmp_path, columns=[*REQUIRED, "nps"])
    with pytest.raises(DataError, match="column 'nps': unknown column"):
        loaders.load_history(path)


def test_text_in_numeric_column(tmp_path):
    path = history_csv(tmp_path, edit={(1, "mau"): "12 K"})
    with pytest.raises(DataError, match="column 'mau', row month 2024-02: text in a numeric"):
        loaders.load_history(path)


def test_negative_count(tmp_path):
    path = history_csv(tmp_path, columns=[*REQUIRED, "incidents"],
                       edit={(0, "incidents"): "1", (1, "incidents"): "-1",
                             (2, "incidents"): "0"})
    with pytest.raises(DataError, match="column 'incidents', row month 2024-02: negative count"):
        loaders.load_history(path)


def test_non_whole_count(tmp_path):
    path = history_csv(tmp_path, edit={(2, "team_size"): "4.5"})
    with pytest.raises(DataError, match="'team_size', row month 2024-03: must be whole"):
        loaders.load_history(path)


def test_nan_in_required_column(tmp_path):
    path = history_csv(tmp_path, edit={(0, "revenue"): "", (2, "revenue"): ""})
    with pytest.raises(DataError, match="column 'revenue', rows month 2024-01, month 2024-03: "
                                        "empty cell"):
        loaders.load_history(path)


def test_fractions_given_as_percentages(tmp_path):
    path = history_csv(tmp_path, edit={(0, "cpu_avg"): "50", (1, "cpu_avg"): "55",
                                       (2, "cpu_avg"): "62.5"})
    with pytest.raises(DataError, match="column 'cpu_avg': .*looks like percentages; "
                                        "divide by 100"):
        loaders.load_history(path)


def test_one_fraction_out_of_range(tmp_path):
    path = history_csv(tmp_path, edit={(1, "db_avg"): "1.2", (1, "db_peak"): "1.3"})
    with pytest.raises(DataError, match=r"'db_avg', row month 2024-02: must be in \[0, 1\] "
                                        r"\(a fraction"):
        loaders.load_history(path)


def test_peak_below_average(tmp_path):
    path = history_csv(tmp_path, edit={(2, "cpu_peak"): "0.4"})
    with pytest.raises(DataError, match="'cpu_avg', row month 2024-03: cpu_avg must be <= "
                                        "cpu_peak"):
        loaders.load_history(path)


@pytest.mark.parametrize(
    ("months", "match"),
    [
        (("2024-01", "2024-02", "2024-02"), "rows month 2024-02, month 2024-02: duplicate"),
        (("2024-01", "2024-03", "2024-04"), r"gap in the months \(2024-01 -> 2024-03\)"),
        (("2024-01", "2024-03", "2024-02"), "months not sorted: 2024-02 comes after 2024-03"),
        (("2024-01", "2024-02-01", "2024-03"), r"line 3 \('2024-02-01'\): must be written "
                                               "YYYY-MM"),
        (("2024-01", "2024-13", "2024-03"), "must be written YYYY-MM"),
    ],
)
def test_bad_months(tmp_path, months, match):
    with pytest.raises(DataError, match=match):
        loaders.load_history(history_csv(tmp_path, months=months))


def test_data_error_carries_its_parts(tmp_path):
    path = history_csv(tmp_path, edit={(1, "velocity"): "-2"})
    with pytest.raises(ValueError) as info:
        loaders.load_history(path)
    err = info.value
    assert isinstance(err, DataError)
    assert err.file == str(path) and err.column == "velocity"
    assert err.rows == ("month 2024-02",) and "negative" in err.rule


def _backlog_csv(tmp_path, rows):
    header = ",".join(SCHEMAS["debt_backlog.csv"].names)
    path = tmp_path / "debt_backlog.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


# item, category, relieves (empty: relieves no resource), priority, then the numbers
GOOD_ITEM = "No logs,observability,,high,1,2,1,5,0.5,1000,4,0.4"


def test_backlog_bad_priority_and_duplicates(tmp_path):
    assert len(loaders.load_backlog(_backlog_csv(tmp_path, [GOOD_ITEM]))) == 1
    path = _backlog_csv(tmp_path, [GOOD_ITEM.replace("high", "urgent")])
    with pytest.raises(DataError, match="'priority', row item No logs: must be one of high, "
                                        "medium, low; got 'urgent'"):
        loaders.load_backlog(path)
    path = _backlog_csv(tmp_path, [GOOD_ITEM, GOOD_ITEM])
    with pytest.raises(DataError, match="'item', rows item No logs, item No logs: duplicate"):
        loaders.load_backlog(path)
    path = _backlog_csv(tmp_path, [GOOD_ITEM.replace(",4,0.4", ",4,0.9")])
    with pytest.raises(DataError, match="incidents_avoided_per_month must be <= "
                                        "incidents_per_month"):
        loaders.load_backlog(path)


def test_backlog_relieves_names_a_resource_of_the_registry(tmp_path):
    replica = "Read replica,database,db_utilisation,medium,1,2,1,5,0.5,1000,4,0.4"
    table = loaders.load_backlog(_backlog_csv(tmp_path, [GOOD_ITEM, replica]))
    assert table.at["Read replica", "relieves"] == "db_utilisation"
    assert table["relieves"].isna().tolist() == [True, False]  # an empty cell: no resource
    # the sample backlog links the database items to the database
    sample = loaders.load_backlog()
    assert set(sample["relieves"].dropna()) <= set(resources.keys())
    assert sample.at["No read replica for reporting queries", "relieves"] == "db_utilisation"
    assert sample.at["Sessions stored in app memory", "relieves"] == "memory"


def test_backlog_unknown_relieves_is_refused(tmp_path):
    path = _backlog_csv(tmp_path, [GOOD_ITEM.replace("observability,,", "observability,"
                                                                         "database,")])
    with pytest.raises(DataError) as info:
        loaders.load_backlog(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert ("column 'relieves', row item No logs: must be one of cpu, memory, "
            "db_utilisation, bandwidth; got 'database'") in message
    assert info.value.column == "relieves" and info.value.rows == ("item No logs",)


def test_backlog_without_relieves_still_loads(tmp_path):
    header = ",".join(n for n in SCHEMAS["debt_backlog.csv"].names if n != "relieves")
    path = tmp_path / "debt_backlog.csv"
    path.write_text(f"{header}\n{GOOD_ITEM.replace(',,', ',')}\n")
    table = loaders.load_backlog(path)
    assert "relieves" not in table.columns and table.index.tolist() == ["No logs"]


def test_funnel_rules(tmp_path):
    header = ",".join(SCHEMAS["hiring_funnel.csv"].names)
    path = tmp_path / "hiring_funnel.csv"
    path.write_text(f"{header}\n2024-Q1,100,30,15,8,4,2,1\n2024-Q2,90,10,15,8,4,2,1\n")
    with pytest.raises(DataError, match="'motivated', row quarter 2024-Q2: motivated must be "
                                        "<= qualified"):
        loaders.load_funnel(path)
    path.write_text(f"{header}\n2024-Q1,100,30,15,8,4,2,1\n2024Q2,90,30,15,8,4,2,1\n")
    with pytest.raises(DataError, match="must be written YYYY-Qn"):
        loaders.load_funnel(path)
    path.write_text(f"{header}\n2024-Q1,100,30,15,8,4,2,1\n2024-Q3,90,30,15,8,4,2,1\n")
    with pytest.raises(DataError, match="gap in the quarters"):
        loaders.load_funnel(path)


# --- the lever catalogue: a key written twice ------------------------------------------------

_LEVER = """\
  - key: {key}
    label: A bigger database
    category: infrastructure
    relieves: {{db_utilisation: {{factor: [1.6, 2.0]}}}}
    lead_time_months: 0
    one_off_cost: 100
    monthly_cost: 10
    max_count: 2
"""


@pytest.mark.parametrize(("body", "key", "lines"), [
    # the same lever name in one entry: plain YAML keeps the last, a lever renamed
    (_LEVER.format(key="big_db").replace("    label:", "    key: small_db\n    label:", 1),
     "key", (2, 3)),
    # a field written twice: plain YAML keeps the last figure silently
    (_LEVER.format(key="big_db") + "    monthly_cost: 1000\n", "monthly_cost", (8, 10)),
    # a resource written twice in the effects
    (_LEVER.format(key="big_db").replace(
        "{db_utilisation: {factor: [1.6, 2.0]}}",
        "{db_utilisation: {factor: [1.6, 2.0]}, db_utilisation: {offload: 0.5}}"),
     "db_utilisation", (5, 5)),
])
def test_levers_refuse_a_key_written_twice(tmp_path, body, key, lines):
    path = tmp_path / "levers.yaml"
    path.write_text("levers:\n" + body, encoding="utf-8")
    with pytest.raises(DataError) as info:
        loaders.load_levers(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert f"key {key!r} is written twice (lines {lines[0]} and {lines[1]})" in message


def test_levers_refuse_the_list_written_twice_and_a_lever_defined_twice(tmp_path):
    # a second `levers:` would silently drop the first list
    path = tmp_path / "levers.yaml"
    path.write_text("levers:\n" + _LEVER.format(key="a") + "levers:\n" + _LEVER.format(key="b"),
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"key 'levers' is written twice \(lines 1 and 10\)"):
        loaders.load_levers(path)
    # two entries of one lever name: the catalogue's own rule
    path.write_text("levers:\n" + _LEVER.format(key="a") + _LEVER.format(key="a"),
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"lever 'a', field 'key': duplicate"):
        loaders.load_levers(path)


def test_levers_not_utf8_or_not_yaml_name_the_file(tmp_path):
    path = tmp_path / "levers.yaml"
    path.write_bytes(("levers:\n" + _LEVER.format(key="big_db")).replace(
        "A bigger database", "Base de donn\xe9es").encode("latin-1"))
    with pytest.raises(DataError, match=r"levers\.yaml: not UTF-8 text .*save the file as UTF-8"):
        loaders.load_levers(path)
    path.write_text("levers: [\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"levers\.yaml: not valid YAML"):
        loaders.load_levers(path)
