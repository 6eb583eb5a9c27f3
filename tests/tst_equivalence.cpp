// The proof: simplified fixtures compute the same as the originals in ONNX Runtime, are no
// bigger than ONNX Runtime's own basic optimization leaves them, and pass the ONNX checker.
#include "TestSupport.h"

#include "model/ModelIO.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <QtTest>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <fstream>

using namespace netfold;
using namespace netfold::test;

namespace {

ProcessResult node(const QString& script, const QStringList& args)
{
    return run("node", QStringList{sourcePath("tests/ort/" + script)} + args, 600000);
}

int count(const Model& m, const std::string& op)
{
    auto c = opCounts(m.graph);
    auto it = c.find(op);
    return it == c.end() ? 0 : it->second;
}

} // namespace

class TestEquivalence : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void simplifiedMatchesOrt_data();
    void simplifiedMatchesOrt();

private:
    QTemporaryDir m_dir;
};

void TestEquivalence::initTestCase()
{
    QVERIFY2(haveOrt(), "onnxruntime-node is not installed in tests/ort (run ./test, which installs it)");
    QVERIFY(m_dir.isValid());
}

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
    const QString original = dataPath(file);
    const QString simplified = m_dir.filePath("netfold-" + QString(file).replace('/', '_'));
    const QString ortOptimized = m_dir.filePath("ort-" + QString(file).replace('/', '_'));

    auto r = runCli({"simplify", original, simplified});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    // Same outputs on the same random inputs, in an independent engine.
    auto cmp = node("compare.js", {original, simplified, "--runs", "3"});
    QVERIFY2(cmp.exitCode == 0, qPrintable(cmp.out + cmp.err));

    // No more nodes (nor helper nodes) than ONNX Runtime's basic optimizer leaves.
    auto opt = node("optimize.js", {original, ortOptimized});
    QVERIFY2(opt.exitCode == 0, qPrintable(opt.out + opt.err));
    const Model ours = loadModel(simplified.toStdString());
    const Model theirs = loadModel(ortOptimized.toStdString());
    QVERIFY2(ours.graph.nodes.size() <= theirs.graph.nodes.size(),
             qPrintable(QString("netfold %1 nodes, ONNX Runtime %2").arg(ours.graph.nodes.size()).arg(theirs.graph.nodes.size())));
    if (dynamic)
        QVERIFY2(ours.graph.nodes.size() < theirs.graph.nodes.size(),
                 qPrintable(QString("netfold %1 nodes, ONNX Runtime %2").arg(ours.graph.nodes.size()).arg(theirs.graph.nodes.size())));
    for (const char* op : {"Shape", "Gather", "Slice", "Concat", "Unsqueeze", "Squeeze", "Constant", "ConstantOfShape",
                           "Cast", "Identity"})
        QVERIFY2(count(ours, op) <= count(theirs, op), op);

    // Never much bigger.
    QVERIFY(QFileInfo(simplified).size() <= QFileInfo(original).size() * 11 / 10 + 1024);

    // Valid ONNX where ONNX 1.12 knows the opset.
    if (ours.opsetVersion("") <= 17) {
        onnx::ModelProto proto;
        std::ifstream in(simplified.toStdString(), std::ios::binary);
        QVERIFY(proto.ParseFromIstream(&in));
        try {
            onnx::checker::check_model(proto);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }
}

QTEST_GUILESS_MAIN(TestEquivalence)
#include "tst_equivalence.moc"
