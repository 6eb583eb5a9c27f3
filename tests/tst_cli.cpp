// netfold-cli end to end: info, simplify and their errors.
#include "TestSupport.h"

#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

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
    void simplifyCheck();
    void simplifyNeverWritesOnError();
    void listPasses();
    void diff();
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

void TestCli::simplifyCheck()
{
    QTemporaryDir dir;
    auto r = runCli({"simplify", dataPath("seed_static.onnx"), dir.filePath("s.onnx"), "--check", "2", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject check = json(r).value("check").toObject();
    QVERIFY(check.value("ran").toBool());
    QVERIFY(check.value("ok").toBool());
    r = runCli({"simplify", dataPath("custom_domain.onnx"), dir.filePath("c.onnx"), "--check", "1"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Check skipped: no kernel for"), qPrintable(r.out));
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

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
