// The proof: simplified fixtures compute the same as the originals in ONNX Runtime, are no
// bigger than ONNX Runtime's own basic optimization leaves them, and pass the ONNX checker.
#include "TestSupport.h"

#include "model/Graph.h"
#include "shape/Open.h"

#include <QtTest>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace netfold;
using namespace netfold::test;

class TestEquivalence : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { requireOrt(m_dir); }
    void simplifiedMatchesOrt_data();
    void simplifiedMatchesOrt();
    void realModelsMatchOrt_data();
    void realModelsMatchOrt();

private:
    /// Simplifies file, then compares with ONNX Runtime (compareArgs go to compare.js, e.g. --shape).
    void verifyFixture(const QString& file, bool dynamic, const QStringList& compareArgs);
    QTemporaryDir m_dir;
};

void TestEquivalence::simplifiedMatchesOrt_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("dynamic");
    QTest::newRow("seed_static") << "seed_static.onnx" << false;
    QTest::newRow("seed_dynamic") << "seed_dynamic.onnx" << true;
    QTest::newRow("seed_view") << "seed_view.onnx" << false; // ONNX Runtime folds this one fully too
    QTest::newRow("seed_bn") << "seed_bn.onnx" << false;
    QTest::newRow("seed_bn_stats") << "seed_bn_stats.onnx" << false;
    QTest::newRow("transformer_dyn") << "transformer_dyn.onnx" << true;
    QTest::newRow("tiny_resnet") << "tiny_resnet.onnx" << false;
    QTest::newRow("shuffle_dyn") << "shuffle_dyn.onnx" << true;
    QTest::newRow("if_model") << "if_model.onnx" << false;
    QTest::newRow("loop_model") << "loop_model.onnx" << false;
    QTest::newRow("nested_model") << "nested_model.onnx" << false; // If inside a Loop body, inlined
    QTest::newRow("opset21") << "opset21.onnx" << false;
    // The exports above re-typed to opsets 18, 21 and 23 (tests/data/make_opsets.py).
    QFile manifest(dataPath("opsets/opsets.json"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    const QJsonObject retyped = QJsonDocument::fromJson(manifest.readAll()).object();
    for (const auto& v : retyped["retyped"].toArray()) {
        const QString file = v.toObject()["file"].toString();
        const QString original = v.toObject()["original"].toString();
        const bool dyn = original == "seed_dynamic.onnx" || original == "transformer_dyn.onnx" || original == "shuffle_dyn.onnx";
        QTest::newRow(qPrintable(file)) << file << dyn;
    }
    // One small model per operator version of opsets 18-23.
    for (const auto& v : retyped["ops"].toArray()) {
        const QString file = v.toObject()["model"].toString();
        QTest::newRow(qPrintable(file)) << file << false;
    }
}

void TestEquivalence::simplifiedMatchesOrt()
{
    QFETCH(QString, file);
    QFETCH(bool, dynamic);
    verifyFixture(file, dynamic, {});
}

// Models exported by other toolchains (tests/data/real, origin in tests/data/README.md).
void TestEquivalence::realModelsMatchOrt_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("compareArgs");
    // Symbolic length: ONNX Runtime needs at least the 512-wide Conv kernel (80 ms of 16 kHz audio).
    QTest::newRow("melspectrogram") << "real/melspectrogram.onnx" << QStringList{"--shape", "input:1,1280"};
    QTest::newRow("embedding_model") << "real/embedding_model.onnx" << QStringList{};
    QTest::newRow("silero_vad") << "real/silero_vad.onnx"
                                << QStringList{"--shape", "input:1,512", "h:2,1,64", "c:2,1,64"};
    QTest::newRow("hello_deepa") << "real/hello_deepa.onnx" << QStringList{};
}

void TestEquivalence::realModelsMatchOrt()
{
    QFETCH(QString, file);
    QFETCH(QStringList, compareArgs);
    verifyFixture(file, false, compareArgs);
}

void TestEquivalence::verifyFixture(const QString& file, bool dynamic, const QStringList& compareArgs)
{
    const QString original = dataPath(file);
    const QString flat = QString(file).replace('/', '_');
    const QString simplified = m_dir.filePath("netfold-" + flat);
    const QString ortOptimized = m_dir.filePath("ort-" + flat);

    auto r = runCli({"simplify", original, simplified});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    // Same outputs as the original in ONNX Runtime, no more nodes than its basic optimizer leaves.
    const Model ours = openModel(simplified.toStdString());
    Model theirs;
    const QString ort = compareWithOrt(original, simplified, ours, ortOptimized, compareArgs, &theirs);
    QVERIFY2(ort.isEmpty(), qPrintable(ort));
    if (dynamic)
        QVERIFY2(ours.graph.nodes.size() < theirs.graph.nodes.size(),
                 qPrintable(QString("netfold %1 nodes, ONNX Runtime %2").arg(ours.graph.nodes.size()).arg(theirs.graph.nodes.size())));
    // Nor more helper nodes.
    for (const char* op : {"Shape", "Gather", "Slice", "Concat", "Unsqueeze", "Squeeze", "Constant", "ConstantOfShape",
                           "Cast", "Identity"})
        QVERIFY2(opCount(ours, op) <= opCount(theirs, op), op);

    // Never much bigger.
    QVERIFY(QFileInfo(simplified).size() <= QFileInfo(original).size() * 11 / 10 + 1024);

    // Valid ONNX where ONNX 1.12 knows the opset.
    const QString invalid = onnxCheckerError(ours, simplified);
    QVERIFY2(invalid.isEmpty(), qPrintable(invalid));
}

QTEST_GUILESS_MAIN(TestEquivalence)
#include "tst_equivalence.moc"
