// netfold-cli end to end: info, simplify and their errors.
#include "TestSupport.h"

#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "ModelBuilder.h"
#include "model/DataType.h"

#include <set>

using namespace netfold;
using namespace netfold::test;

namespace {
QJsonObject json(const ProcessResult& r) { return QJsonDocument::fromJson(r.out.toUtf8()).object(); }
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void infoJson();
    void infoText();
    void badInputs_data();
    void badInputs();
    void simplifySeed();
    void simplifyJsonAndSteps();
    void simplifyOptions();
    void simplifyListsNodesKeptAtALimit();
    void simplifyCheck();
    void simplifyNeverWritesOnError();
    void listPasses();
    void diff();
    // issue 10: trust on real models from other toolchains
    void checkGrowsSymbolicDims();
    void checkNeverBlamesWhenOriginalFails();
    void checkInputShapeRefused();
    void bodiesCounted();
    void diffDescendsIntoBodies();
    void overwriteInputShapeRefused();
    void infoReportsUnknownShapes();
    void jsonHygiene();
    void realModelsCheckWithoutFalseVerdict_data();
    void realModelsCheckWithoutFalseVerdict();
};

void TestCli::infoJson()
{
    auto r = runCli({"info", dataPath("seed_dynamic.onnx"), "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QCOMPARE(o.value("nodes").toInt(), 15);
    QCOMPARE(o.value("op_counts").toObject().value("Constant").toInt(), 4);
    const QJsonObject in = o.value("inputs").toArray().at(0).toObject();
    QCOMPARE(in.value("name").toString(), QString("input0"));
    QCOMPARE(in.value("dtype").toString(), QString("float"));
    QCOMPARE(in.value("shape").toArray().at(0).toString(), QString("batch"));
    QCOMPARE(in.value("shape").toArray().at(1).toInt(), 3);
    QCOMPARE(o.value("outputs").toArray().at(0).toObject().value("shape").toArray().at(1).toInt(), 10);
    QCOMPARE(o.value("initializers").toObject().value("count").toInt(), 6);
    QVERIFY(o.value("initializers").toObject().value("bytes").toInt() > 100000);
}

void TestCli::infoText()
{
    auto r = runCli({"info", dataPath("opsets/unknown_op23.onnx")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Not inferred"));
    QVERIFY(r.out.contains("opset 23"));
}

void TestCli::badInputs_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << QStringList{"info", "/nonexistent/x.onnx"} << "No such file";
    QTest::newRow("empty") << QStringList{"info", dataPath("bad/empty.onnx")} << "empty";
    QTest::newRow("garbage") << QStringList{"info", dataPath("bad/random.onnx")} << "not a valid ONNX model";
    QTest::newRow("truncated") << QStringList{"info", dataPath("bad/truncated.onnx")} << "not a valid ONNX model";
    QTest::newRow("cycle") << QStringList{"info", dataPath("bad/cycle.onnx")} << "cycle";
    QTest::newRow("dangling") << QStringList{"simplify", dataPath("bad/dangling.onnx"), "/tmp/never.onnx"} << "ghost";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "Unknown command";
    QTest::newRow("unknown option") << QStringList{"simplify", "--bogus"} << "Unknown option";
    QTest::newRow("bad shape") << QStringList{"simplify", dataPath("seed_static.onnx"), "/tmp/x.onnx",
                                              "--overwrite-input-shape", "input0:1,a"}
                               << "Bad dim";
}

void TestCli::badInputs()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    auto r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY(r.err.trimmed().endsWith('.'));
}

void TestCli::simplifySeed()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("s.onnx");
    auto r = runCli({"simplify", dataPath("seed_static.onnx"), out});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Original Model"));
    QVERIFY(r.out.contains("Reshape"));
    auto info = runCli({"info", out, "--json"});
    QCOMPARE(json(info).value("nodes").toInt(), 8);
}

void TestCli::simplifyJsonAndSteps()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("seed_dynamic.onnx"), dir.filePath("s.onnx"), "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QCOMPARE(o.value("nodes_before").toInt(), 15);
    QCOMPARE(o.value("nodes_after").toInt(), 8);
    QVERIFY(!o.value("op_counts_after").toObject().contains("Shape"));
    QVERIFY(o.value("steps").toArray().size() > 0);
    auto s = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("t.onnx"), "--steps"});
    QCOMPARE(s.exitCode, 0);
    QVERIFY(s.out.contains("round 1"));
    QVERIFY(s.out.contains("folded into constant"));
}

void TestCli::simplifyOptions()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("seed_bn_stats.onnx"), dir.filePath("a.onnx"), "--skip-fuse-bn", "--json"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(json(r).value("op_counts_after").toObject().contains("BatchNormalization"));
    r = runCli({"simplify", dataPath("seed_bn_stats.onnx"), dir.filePath("b.onnx"), "--json"});
    QVERIFY(!json(r).value("op_counts_after").toObject().contains("BatchNormalization"));
    r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("c.onnx"), "--skip-optimization",
                "--skip-constant-folding", "--json"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(json(r).value("nodes_after").toInt(), 15);
    r = runCli({"simplify", dataPath("seed_dynamic.onnx"), dir.filePath("d.onnx"), "--overwrite-input-shape",
                "input0:2,3,64,64", "--json"});
    QCOMPARE(r.exitCode, 0);
    auto info = runCli({"info", dir.filePath("d.onnx"), "--json"});
    QCOMPARE(json(info).value("inputs").toArray().at(0).toObject().value("shape").toArray().at(0).toInt(), 2);
}

// A node a limit kept from folding is named after the table, with what stopped it and the flag
// that raises the limit; raising it folds the node. The fold's time cap is --fold-time.
void TestCli::simplifyListsNodesKeptAtALimit()
{
    QTemporaryDir dir;
    const QString bigPath = dir.filePath("big_expand.onnx");
    test::bigExpandModel().save(bigPath.toStdString());
    auto r = runCli({"simplify", bigPath, dir.filePath("a.onnx")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Not folded at a limit: 1 node (--no-large-tensor SIZE and --fold-time SECONDS raise the "
                            "limits):\n  '/blk/Expand' (Expand): Cannot evaluate node '/blk/Expand' (Expand): output "
                            "would be 4.0 MB, over the 1.5 MB limit.\n"),
             qPrintable(r.out));
    r = runCli({"simplify", bigPath, dir.filePath("b.onnx"), "--json"});
    const QJsonArray limited = json(r).value("kept_at_limit").toArray();
    QCOMPARE(limited.size(), 1);
    QCOMPARE(limited.at(0).toObject().value("node").toString(), QString("/blk/Expand"));
    QCOMPARE(limited.at(0).toObject().value("op").toString(), QString("Expand"));
    r = runCli({"simplify", bigPath, dir.filePath("c.onnx"), "--no-large-tensor", "8MB", "--json"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!json(r).value("op_counts_after").toObject().contains("Expand"));
    QCOMPARE(json(r).value("kept_at_limit").toArray().size(), 0);
    r = runCli({"simplify", bigPath, dir.filePath("c.onnx"), "--no-large-tensor", "8MB"});
    QVERIFY2(!r.out.contains("Not folded at a limit"), qPrintable(r.out));

    // A fold of tens of seconds stops at --fold-time and is listed; the run goes on and saves.
    const QString slowPath = dir.filePath("slow.onnx");
    test::slowFoldModel().save(slowPath.toStdString());
    QElapsedTimer clock;
    clock.start();
    r = runCli({"simplify", slowPath, dir.filePath("d.onnx"), "--fold-time", "0.3"}, 60000);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(clock.elapsed() < 20000, qPrintable(QString("took %1 ms").arg(clock.elapsed())));
    QVERIFY2(r.out.contains("Not folded at a limit: 1 node") && r.out.contains("(DFT): ")
                 && r.out.contains("the evaluation ran for over 0.3 s, its time cap."),
             qPrintable(r.out));
    QVERIFY(QFileInfo::exists(dir.filePath("d.onnx")));
    for (const QString& bad : {QString("0"), QString("-1"), QString("soon")}) {
        r = runCli({"simplify", slowPath, dir.filePath("e.onnx"), "--fold-time", bad});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.trimmed(), "netfold-cli: Bad value '" + bad + "' for --fold-time; a positive number is needed.");
        QVERIFY(!QFileInfo::exists(dir.filePath("e.onnx")));
    }
}

void TestCli::simplifyCheck()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("s.onnx"), "--check", "2", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject check = json(r).value("check").toObject();
    QVERIFY(check.value("ran").toBool());
    QVERIFY(check.value("ok").toBool());
    // No kernel: nothing compared, no verdict; the output is written and the exit code says so.
    r = runCli({"simplify", dataPath("custom_domain.onnx"), dir.filePath("c.onnx"), "--check", "1"});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.out.contains("Cannot check: no kernel for"), qPrintable(r.out));
    QVERIFY(QFileInfo::exists(dir.filePath("c.onnx")));
}

void TestCli::simplifyNeverWritesOnError()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("bad/truncated.onnx"), dir.filePath("o.onnx")});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
    // Writing over the input is refused.
    QVERIFY(QFile::copy(dataPath("seed_static.onnx"), dir.filePath("in.onnx")));
    r = runCli({"simplify", dir.filePath("in.onnx"), dir.filePath("in.onnx")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("Refusing"));
    QCOMPARE(QFileInfo(dir.filePath("in.onnx")).size(), QFileInfo(dataPath("seed_static.onnx")).size());
}

void TestCli::listPasses()
{
    auto r = runCli({"simplify", "--list-passes"});
    QCOMPARE(r.exitCode, 0);
    for (const char* name : {"eliminate_nop_cast", "fuse_bn_into_conv", "eliminate_duplicate_initializer",
                             "fold_constants", "fold_shape_chains"})
        QVERIFY2(r.out.contains(name), name);
}

void TestCli::diff()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("s.onnx");
    QCOMPARE(runCli({"simplify", dataPath("seed_static.onnx"), out}).exitCode, 0);
    auto same = runCli({"diff", dataPath("seed_static.onnx"), dataPath("seed_static.onnx")});
    QCOMPARE(same.exitCode, 0);
    QVERIFY(same.out.contains("identical"));
    auto r = runCli({"diff", dataPath("seed_static.onnx"), out, "--json"});
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = json(r);
    QCOMPARE(o.value("only_in_a").toArray().size(), 7);
    QCOMPARE(o.value("only_in_b").toArray().size(), 0);
    QCOMPARE(o.value("changed").toArray().at(0).toObject().value("op").toString(), QString("Reshape"));
    auto bad = runCli({"diff", dataPath("seed_static.onnx"), dataPath("bad/empty.onnx")});
    QCOMPARE(bad.exitCode, 2);
}

// A Keras/TF-style audio front end (PyTorch export) whose input length is symbolic and whose first
// Conv has a 512-wide kernel: the check must pick a length the original runs on (it used to fill
// symbolic dims with 2 and report "Check FAILED on 0 random input(s)", exit 1, OUT not written).
void TestCli::checkGrowsSymbolicDims()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("m.onnx");
    auto r = runCli({"simplify", dataPath("real/melspectrogram.onnx"), out, "--check", "3", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject check = json(r).value("check").toObject();
    QVERIFY(check.value("checked").toBool());
    QVERIFY(check.value("ok").toBool());
    QCOMPARE(check.value("runs").toInt(), 3);
    const QJsonArray shape = check.value("input_shapes").toObject().value("input").toArray();
    QCOMPARE(shape.size(), 2);
    QVERIFY(shape.at(1).toInt() >= 512);
    QVERIFY(QFileInfo::exists(out));
    auto t = runCli({"simplify", dataPath("real/melspectrogram.onnx"), dir.filePath("t.onnx"), "--check", "1"});
    QCOMPARE(t.exitCode, 0);
    QVERIFY2(t.out.contains("Check passed on 1 random input(s)"), qPrintable(t.out));
}

// When the original cannot run on the inputs, nothing is blamed: exit 3, OUT written, JSON says
// checked:false with the reason and reports no output as compared.
void TestCli::checkNeverBlamesWhenOriginalFails()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("m.onnx");
    auto r = runCli({"simplify", dataPath("real/melspectrogram.onnx"), out, "--check", "2", "--check-input-shape",
                     "input:1,100", "--json"});
    QCOMPARE(r.exitCode, 3);
    QVERIFY(QFileInfo::exists(out));
    const QJsonObject check = json(r).value("check").toObject();
    QCOMPARE(check.value("checked").toBool(true), false);
    QVERIFY(check.value("ok").isNull());
    QVERIFY2(check.value("reason").toString().startsWith("cannot check: the original model fails on input input[1,100]: "),
             qPrintable(check.value("reason").toString()));
    QVERIFY(check.value("reason").toString().contains("Conv"));
    QCOMPARE(check.value("outputs").toArray().size(), 0);
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY(r.err.contains("was written unchecked"));
    // Text: says so, and no per-output line pretends a difference was measured.
    auto t = runCli({"simplify", dataPath("real/melspectrogram.onnx"), dir.filePath("t.onnx"), "--check", "2",
                     "--check-input-shape", "input:1,100"});
    QCOMPARE(t.exitCode, 3);
    QVERIFY2(t.out.contains("Cannot check: the original model fails on input input[1,100]"), qPrintable(t.out));
    QVERIFY(!t.out.contains("max abs diff"));
    QVERIFY(!t.out.contains("FAILED"));
    QVERIFY(!t.err.contains("computes different outputs"));

    // A model whose static input is too short for its kernel: the original never runs.
    ModelBuilder b;
    b.input("x", dtype::Float, {1, 1, 4}).output("y", dtype::Float);
    b.floats("w", {1, 1, 8}, std::vector<float>(8, 0.5f));
    b.node("Conv", {"x", "w"}, {"y"}, "conv");
    b.save(dir.filePath("short.onnx").toStdString());
    auto s = runCli({"simplify", dir.filePath("short.onnx"), dir.filePath("short_s.onnx"), "--check", "1"});
    QCOMPARE(s.exitCode, 3);
    QVERIFY2(s.out.contains("the original model fails on input x[1,1,4]"), qPrintable(s.out));
    QVERIFY(QFileInfo::exists(dir.filePath("short_s.onnx")));
}

void TestCli::checkInputShapeRefused()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("a.onnx"), "--check", "1",
                     "--check-input-shape", "input0:1,3,64"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("input0") && r.err.contains("[1,3,64,64]") && r.err.contains("[1,3,64]"), qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    r = runCli({"simplify", dataPath("seed_dynamic.onnx"), dir.filePath("b.onnx"), "--check", "1",
                "--check-input-shape", "input0:3,4,64,64"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("fixed at 3"), qPrintable(r.err));
    r = runCli({"simplify", dataPath("seed_dynamic.onnx"), dir.filePath("c.onnx"), "--check", "1",
                "--check-input-shape", "nope:1"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("no input 'nope'"));
    r = runCli({"simplify", dataPath("seed_dynamic.onnx"), dir.filePath("d.onnx"), "--check", "1",
                "--check-input-shape", "input0:5,3,64,64", "--json"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(json(r).value("check").toObject().value("input_shapes").toObject().value("input0").toArray().at(0).toInt(), 5);
}

// silero_vad (PyTorch, opset 16) has 2 top-level nodes and 248 in If bodies.
void TestCli::bodiesCounted()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("real/silero_vad.onnx"), dir.filePath("s.onnx"), "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    QCOMPARE(o.value("nodes_before").toInt(), 2);
    QCOMPARE(o.value("nodes_total_before").toInt(), 250);
    QVERIFY(o.value("nodes_total_after").toInt() < 250);
    QCOMPARE(o.value("op_counts_total_before").toObject().value("LSTM").toInt(), 8);
    QVERIFY(o.value("op_counts_total_before").toObject().value("Shape").toInt()
            > o.value("op_counts_total_after").toObject().value("Shape").toInt());
    int stepTotal = 0;
    bool bodyPath = false;
    for (const auto& s : o.value("steps").toArray()) {
        stepTotal += s.toObject().value("nodes_total_before").toInt() - s.toObject().value("nodes_total_after").toInt();
        for (const auto& v : s.toObject().value("bodies").toObject())
            bodyPath = bodyPath || v.toString().startsWith("If 'If_25' / ");
    }
    QCOMPARE(stepTotal, 250 - o.value("nodes_total_after").toInt());
    QVERIFY(bodyPath);

    auto t = runCli({"simplify", dataPath("real/silero_vad.onnx"), dir.filePath("t.onnx"), "--steps"});
    QCOMPARE(t.exitCode, 0);
    QVERIFY2(t.out.contains("Nodes (with bodies)"), qPrintable(t.out));
    QVERIFY(t.out.contains("│ 250 "));
    QVERIFY2(t.out.contains("    - If 'If_25' / then_branch / "), qPrintable(t.out.left(3000)));
    QVERIFY(t.out.contains("with bodies 250 -> "));

    auto info = runCli({"info", dataPath("real/silero_vad.onnx"), "--json"});
    QCOMPARE(json(info).value("nodes").toInt(), 2);
    QCOMPARE(json(info).value("nodes_total").toInt(), 250);
    QCOMPARE(json(info).value("op_counts_total").toObject().value("Conv").toInt(), 36);
    auto infoText = runCli({"info", dataPath("real/silero_vad.onnx")});
    QVERIFY2(infoText.out.contains("2 top level, 250 with bodies"), qPrintable(infoText.out));
    QVERIFY(infoText.out.contains("36 (36 in bodies)"));
}

void TestCli::diffDescendsIntoBodies()
{
    QTemporaryDir dir;
    const QString out = dir.filePath("s.onnx");
    QCOMPARE(runCli({"simplify", dataPath("real/silero_vad.onnx"), out}).exitCode, 0);
    auto r = runCli({"diff", dataPath("real/silero_vad.onnx"), out, "--json"});
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = json(r);
    const QJsonArray onlyA = o.value("only_in_a").toArray();
    QVERIFY(onlyA.size() > 10);
    QVERIFY(onlyA.at(0).toObject().value("body").toString().startsWith("If 'If_25' / "));
    const int removed = o.value("counts").toObject().value("removed").toInt();
    const int added = o.value("counts").toObject().value("only_in_b").toInt();
    auto before = runCli({"info", dataPath("real/silero_vad.onnx"), "--json"});
    auto after = runCli({"info", out, "--json"});
    QCOMPARE(removed - added, json(before).value("nodes_total").toInt() - json(after).value("nodes_total").toInt());
    bool oldNew = false;
    for (const auto& c : o.value("changed").toArray())
        for (const auto& k : c.toObject().value("changes").toArray())
            oldNew = oldNew || (k.toObject().value("what").toString().startsWith("input ")
                                && !k.toObject().value("old").toString().isEmpty()
                                && !k.toObject().value("new").toString().isEmpty());
    QVERIFY(oldNew);
    auto t = runCli({"diff", dataPath("real/silero_vad.onnx"), out});
    QVERIFY2(t.out.contains(" in bodies)"), qPrintable(t.out.right(500)));
    QVERIFY(t.out.contains(" -> "));
}

void TestCli::overwriteInputShapeRefused()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("a.onnx"), "--overwrite-input-shape",
                     "input0:1,3,64"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("'input0'") && r.err.contains("rank 4") && r.err.contains("[1,3,64,64]")
                 && r.err.contains("[1,3,64]"),
             qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY(!QFileInfo::exists(dir.filePath("a.onnx")));
    r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("b.onnx"), "--overwrite-input-shape",
                "input0:1,4,64,64"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("'input0'") && r.err.contains("[1,4,64,64]") && r.err.contains("fixed at 3"), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(dir.filePath("b.onnx")));
    // A symbolic dim may be set; the user may insist.
    r = runCli({"simplify", dataPath("seed_dynamic.onnx"), dir.filePath("c.onnx"), "--overwrite-input-shape",
                "input0:4,3,64,64"});
    QCOMPARE(r.exitCode, 0);
    r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("d.onnx"), "--overwrite-input-shape",
                "input0:2,3,64,64", "--force-input-shape"});
    QCOMPARE(r.exitCode, 0);
}

void TestCli::infoReportsUnknownShapes()
{
    auto r = runCli({"info", dataPath("real/silero_vad.onnx"), "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = json(r);
    const int count = o.value("shape_unknown_count").toInt();
    QVERIFY(count > 100);
    int sum = 0;
    for (const auto& g : o.value("shape_unknown").toArray()) {
        QVERIFY(!g.toObject().value("reason").toString().isEmpty());
        QCOMPARE(g.toObject().value("values").toArray().size(), g.toObject().value("count").toInt());
        sum += g.toObject().value("count").toInt();
    }
    QCOMPARE(sum, count);
    auto t = runCli({"info", dataPath("real/silero_vad.onnx")});
    QVERIFY2(t.out.contains(QString("Shape unknown: %1 value(s)").arg(count)), qPrintable(t.out));
    // An op ONNX 1.12 does not know: its output is listed under that reason, its consumer's under another.
    auto unknownOp = json(runCli({"info", dataPath("opsets/unknown_op23.onnx"), "--json"}));
    QCOMPARE(unknownOp.value("shape_unknown_count").toInt(), 2);
    bool frob = false;
    for (const auto& g : unknownOp.value("shape_unknown").toArray())
        if (g.toObject().value("reason").toString().contains("Frobnicate"))
            frob = g.toObject().value("values").toArray().at(0).toObject().value("value").toString() == "f";
    QVERIFY(frob);
    // tf2onnx's unk__314 placeholder reads as unknown in JSON as in text.
    auto emb = runCli({"info", dataPath("real/embedding_model.onnx"), "--json"});
    const QJsonArray shape = json(emb).value("inputs").toArray().at(0).toObject().value("shape").toArray();
    QVERIFY(shape.at(0).isNull());
    QCOMPARE(shape.at(1).toInt(), 76);
    auto embText = runCli({"info", dataPath("real/embedding_model.onnx")});
    QVERIFY2(embText.out.contains("input_1  float[?,76,32,1]"), qPrintable(embText.out));
    QVERIFY(!emb.out.contains("unk__") && !embText.out.contains("unk__"));
}

void TestCli::jsonHygiene()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("real/silero_vad.onnx"), dir.filePath("s.onnx"), "--json"});
    QCOMPARE(r.exitCode, 0);
    for (const auto& s : json(r).value("steps").toArray()) {
        std::set<int> seen;
        for (const auto& id : s.toObject().value("changes").toObject().value("changed").toArray())
            QVERIFY2(seen.insert(id.toInt()).second, qPrintable(s.toObject().value("pass").toString()));
    }
    // A model that names no producer: null, not "?" or "".
    ModelBuilder b;
    b.input("x", dtype::Float, {2}).output("y", dtype::Float).node("Relu", {"x"}, {"y"});
    b.proto().clear_producer_name();
    b.proto().clear_producer_version();
    b.save(dir.filePath("anon.onnx").toStdString());
    auto info = runCli({"info", dir.filePath("anon.onnx"), "--json"});
    QCOMPARE(info.exitCode, 0);
    QVERIFY(json(info).contains("producer"));
    QVERIFY(json(info).value("producer").isNull());
}

// Real models from other toolchains: simplify --check 3 gives a true verdict or says it cannot check.
void TestCli::realModelsCheckWithoutFalseVerdict_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("melspectrogram") << "real/melspectrogram.onnx" << 0;
    QTest::newRow("embedding_model") << "real/embedding_model.onnx" << 0;
    QTest::newRow("hello_deepa") << "real/hello_deepa.onnx" << 0;
    // LSTM inside If bodies.
    QTest::newRow("silero_vad") << "real/silero_vad.onnx" << 0;
    // The generated fixtures too (fp16_bf16: INT64_MAX used to be folded into INT64_MIN).
    for (const char* f : {"seed_static", "seed_dynamic", "seed_view", "seed_bn", "seed_bn_stats", "seed_raw",
                          "transformer_dyn", "tiny_resnet", "shuffle_dyn", "if_model", "loop_model", "nested_model",
                          "opset18", "opset21", "fp16_bf16", "external_data"})
        QTest::newRow(f) << QString(f) + ".onnx" << 0;
    QTest::newRow("custom_domain") << "custom_domain.onnx" << 3; // no kernel for com.example:MyOp
}

void TestCli::realModelsCheckWithoutFalseVerdict()
{
    QFETCH(QString, file);
    QFETCH(int, exitCode);
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath(file), dir.filePath("s.onnx"), "--check", "3", "--json"});
    QVERIFY2(r.exitCode != 1, qPrintable(r.out + r.err));
    if (exitCode >= 0)
        QCOMPARE(r.exitCode, exitCode);
    else
        QVERIFY(r.exitCode == 0 || r.exitCode == 3);
    const QJsonObject check = json(r).value("check").toObject();
    QCOMPARE(check.value("checked").toBool(), r.exitCode == 0);
    if (r.exitCode == 0) {
        QVERIFY(check.value("ok").toBool());
        QCOMPARE(check.value("runs").toInt(), 3);
    } else {
        QVERIFY(!check.value("reason").toString().isEmpty());
    }
    QVERIFY(QFileInfo::exists(dir.filePath("s.onnx")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
