"""`bot.py train-complaints`: the model retrained with the owner's corrections, judged against the one in use on
the frozen split by the nightly job's gate, reported in Chinese; the store is only read, even while a bot runs."""

import uuid

import pytest

import bot
from core import learning
from core.instance import claim
from handlers import complaint_detection, complaint_reasons
from tests.test_cli import cli
from tests.test_complaint_corrections import FALSE_ALARM


@pytest.fixture(autouse=True)
def base_model_afterwards():
    yield
    complaint_detection.LEARNER.reset()
    complaint_reasons.LEARNER.reset()


def corrected_store(shop_bot, tmp_path):
    """A store whose owner withdrew one false alarm; the bot on it still runs the model trained at start."""
    path = tmp_path / "store.db"
    shop = shop_bot("2026-11-25 10:00", db_path=path)
    shop.member("小王").says(FALSE_ALARM, room="普通会员群")
    shop.owner.says("/notcomplaint 1")
    return shop, path


def model_notes(path):
    db = bot._read_only_store(path)
    try:
        return db.execute("SELECT key, value FROM meta WHERE key LIKE 'complaint_model:%' ORDER BY key").fetchall()
    finally:
        db.close()


def test_it_reports_the_figures_before_and_after_and_takes_a_model_no_worse_without_writing(shop_bot, tmp_path, capfd):
    shop, path = corrected_store(shop_bot, tmp_path)
    notes = model_notes(path)
    with claim(path):  # as if the bot were running: reading needs no lock
        status, out, err = cli(capfd, "train-complaints", "--db", str(path))
    assert status == 0, err
    assert "现在用的" in out and "含您的 0 条更正" in out and "新训练的" in out and "含您的 1 条更正" in out
    assert "精确率" in out and "召回率" in out and "结论：采用" in out and "4:30" in out
    assert model_notes(path) == notes, "the store is only read"
    assert complaint_detection.detect(FALSE_ALARM) is not None, "and the model in use is not changed"


def test_after_the_nightly_training_the_model_in_use_is_the_one_with_the_corrections(shop_bot, tmp_path, capfd):
    shop, path = corrected_store(shop_bot, tmp_path)
    shop.advance_to("2026-11-26 09:00")
    status, out, _ = cli(capfd, "train-complaints", "--db", str(path))
    before, after = [line.split("含您的")[0] for line in out.splitlines() if line.startswith(("现在用的", "新训练的"))]
    assert status == 0 and out.count("含您的 1 条更正") == 2
    assert before.split()[1:] == after.split()[1:], "the model in use is rebuilt as the bot trained it"


def test_a_model_the_gate_refuses_is_reported_as_not_taken(shop_bot, tmp_path, capfd, monkeypatch):
    _, path = corrected_store(shop_bot, tmp_path)
    monkeypatch.setattr(complaint_detection, "not_worse", lambda candidate, in_use: False)
    status, out, _ = cli(capfd, "train-complaints", "--db", str(path))
    assert status == 0 and "结论：不采用" in out and "/notcomplaint" in out


def test_without_corrections_it_says_there_is_nothing_new(shop_bot, tmp_path, capfd):
    path = tmp_path / "store.db"
    shop_bot("2026-11-25 10:00", db_path=path)
    status, out, _ = cli(capfd, "train-complaints", "--db", str(path))
    assert status == 0 and "还没有您的更正" in out and "还没有您改过的原因" in out and "结论" not in out


def refiled_store(shop_bot, tmp_path):
    """A store whose owner filed one complaint under another reason than the one read."""
    path = tmp_path / "store.db"
    shop = shop_bot("2026-11-25 10:00", db_path=path)
    shop.member("小王").says("杯子收到就是碎的，太失望了", room="普通会员群")
    shop.owner.says("/reason 1 物流")
    return path


def reasons_part(out):
    return out[out.index("投诉原因"):]


def test_it_reports_the_reason_models_trained_with_the_owners_reasons_as_the_night_would(shop_bot, tmp_path, capfd):
    path = refiled_store(shop_bot, tmp_path)
    status, out, err = cli(capfd, "train-complaints", "--db", str(path))
    part = reasons_part(out)
    base, after = [float(line.split()[-1]) for line in part.splitlines()[1:3]]
    assert status == 0, err
    assert "含您改过的 1 条原因" in part and "结论：采用" in part
    assert 0.8 < base < 1 and abs(after - base) <= complaint_reasons.AGREEMENT_GIVEN_UP


def test_reasons_the_gate_refuses_are_reported_as_not_taken(shop_bot, tmp_path, capfd, monkeypatch):
    path = refiled_store(shop_bot, tmp_path)
    monkeypatch.setattr(complaint_reasons.LEARNER, "accepts", lambda candidate, in_use: False)
    status, out, _ = cli(capfd, "train-complaints", "--db", str(path))
    assert status == 0 and "结论：不采用" in reasons_part(out) and "/reason" in reasons_part(out)


def test_a_missing_or_broken_store_is_a_clear_chinese_error_and_nothing_is_created(tmp_path, capfd):
    missing = tmp_path / "nowhere.db"
    status, out, err = cli(capfd, "train-complaints", "--db", str(missing))
    assert status == 2 and "找不到数据库" in err and out == ""
    assert not missing.exists()
    broken = tmp_path / "broken.db"
    broken.write_text("这不是数据库", encoding="utf-8")
    status, _, err = cli(capfd, "train-complaints", "--db", str(broken))
    assert status == 2 and "不是机器人的数据库" in err


def test_its_help_is_in_chinese(capfd):
    status, out, _ = cli(capfd, "train-complaints", "--help")
    assert status == 0 and "重新训练投诉识别模型" in out and "--db" in out and "--pretend-time 时间" not in out


def test_the_bot_keeps_models_of_the_shipped_data_in_the_users_cache_and_corrected_ones_beside_its_store(
        monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        bot.keep_models(tmp_path / "shop" / "store.db")
        assert learning.FOLDERS.shipped_data == tmp_path / "cache" / "xiaodian" / "models"
        assert learning.FOLDERS.with_corrections == tmp_path / "shop" / "models"
        bot.keep_models(None)  # a temporary store: nothing of it outlives the run
        assert learning.FOLDERS.with_corrections is None
    finally:
        learning.keep_models(None, None)


def test_a_running_bot_has_a_model_with_the_owners_corrections_trained_in_a_child_process_and_reads_it(
        monkeypatch, tmp_path):
    """Trained in the bot's own process, a night's model with corrections left it holding 267 MB rather than 160."""
    correction = learning.Example(f"电影院的座椅坏了，质量太差了 {uuid.uuid4().hex}", False, "correction")  # kept by none

    def not_here(*args, **kwargs):
        raise AssertionError("fitted in the bot's own process")

    base = complaint_detection.LEARNER.base()
    monkeypatch.setattr(learning.Counted, "fit", not_here)  # the spawned child imports its own, unpatched
    read_from = []  # where this process looks for a kept model with corrections (the folder is the suite's, shared)

    def kept_file(corrections, *trained_from):
        path = real_kept_file(corrections, *trained_from)
        if corrections:
            read_from.append(path)
        return path

    real_kept_file = learning._kept_file
    monkeypatch.setattr(learning, "_kept_file", kept_file)
    try:
        bot.keep_models(tmp_path / "store.db", say_when_training=True)
        learning.FOLDERS.before_training = None  # the start's notice: said once, not part of this
        retrained = complaint_detection.LEARNER.trained_with([correction])
    finally:
        learning.keep_models(None, None)
    assert retrained is not None and retrained is not base
    assert len(read_from) == 1 and read_from[0].exists(), "kept by the child (the only one that could fit), read here"
    assert learning.FOLDERS.training is None
