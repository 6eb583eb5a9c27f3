// Models of opsets 18-23 infer (and so simplify) as well as opset-15 ones: the fixtures of
// tests/data/opsets (made by make_opsets.py, listed in opsets/opsets.json) against ONNX Runtime
// and against their opset-15 originals.
#include "TestSupport.h"

#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "shape/OpsetRules.h"
#include "shape/OpsetTable.h"
#include "shape/ShapeInference.h"

#include <QtTest>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <set>

using namespace netfold;
using namespace netfold::test;

namespace {

QJsonObject manifest()
{
    QFile f(dataPath("opsets/opsets.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QJsonObject cliJson(const QStringList& args, QString* error)
{
    auto r = runCli(args + QStringList{"--json"});
    if (r.exitCode != 0) {
        *error = r.err;
        return {};
    }
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

/// Every value type of a graph and of the bodies inside it, keyed "body path/name".
void collectTypes(const Graph& g, const std::string& prefix, std::map<std::string, ValueType>& out)
{
    for (const auto& kv : g.types)
        out[prefix + kv.first] = kv.second;
    for (const auto& n : g.nodes)
        for (const auto& sg : n.subgraphs)
            collectTypes(*sg.graph, prefix + n.name + "." + sg.attribute + "/", out);
}

std::size_t countNotes(const Graph& g)
{
    std::size_t n = g.inferenceNotes.size();
    for (const auto& node : g.nodes)
        for (const auto& sg : node.subgraphs)
            n += countNotes(*sg.graph);
    return n;
}

/// A type inference has filled in: element type and a shape with no placeholder dims.
bool inferred(const ValueType& t)
{
    if (t.elemType == 0 || !t.hasShape)
        return false;
    for (const auto& d : t.dims)
        if (!d.known() && (d.param.empty() || d.placeholder()))
            return false;
    return true;
}

} // namespace

class TestOpset : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tableCoversChangelog();
    void perOpShapesMatchOrt_data();
    void perOpShapesMatchOrt();
    void retypedInfersAsOriginal_data();
    void retypedInfersAsOriginal();
    void retypedSimplifiesAsOriginal_data();
    void retypedSimplifiesAsOriginal();
    void unknownOpStillNamed();
    void badOpsNamed_data();
    void badOpsNamed();
    void lowPrecisionValuesMatchOrt();
    void float4Values();
    void lowPrecisionRoundTrip_data();
    void lowPrecisionRoundTrip();

private:
    QJsonObject m_manifest;
    QJsonObject m_ort; ///< case name -> {ok, outputs} from eval_many.js
    QTemporaryDir m_dir;
};

void TestOpset::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_manifest = manifest();
    QVERIFY2(!m_manifest.isEmpty(), "tests/data/opsets/opsets.json is missing (run tests/data/make_opsets.py)");
    QVERIFY2(haveOrt(), "onnxruntime-node is not installed in tests/ort (run ./test, which installs it)");
    // Run every per-op model once in ONNX Runtime (one node process for all of them).
    QJsonArray cases;
    for (const auto& v : m_manifest["ops"].toArray()) {
        QJsonObject c = v.toObject();
        cases.append(QJsonObject{{"name", c["name"]}, {"model", dataPath(c["model"].toString())}, {"inputs", c["inputs"]}});
    }
    const QString in = m_dir.filePath("manifest.json");
    const QString out = m_dir.filePath("results.json");
    QFile f(in);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(QJsonObject{{"cases", cases}}).toJson(QJsonDocument::Compact));
    f.close();
    auto r = run("node", {sourcePath("tests/ort/eval_many.js"), in, out}, 600000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QFile res(out);
    QVERIFY(res.open(QIODevice::ReadOnly));
    m_ort = QJsonDocument::fromJson(res.readAll()).object();
    QCOMPARE(m_ort.size(), cases.size());
}

void TestOpset::tableCoversChangelog()
{
    // Spot checks of the transcribed signatures and of the version selection.
    const auto* split = newerOpVersion("Split", 18);
    QVERIFY(split);
    QCOMPARE(split->sinceVersion, 18);
    QCOMPARE(split->inputs.size(), std::size_t(2));
    QVERIFY(split->inputs[1].find("split (optional") == 0);
    bool numOutputs = false;
    for (const auto& a : split->attributes)
        numOutputs |= a.rfind("num_outputs : int", 0) == 0;
    QVERIFY(numOutputs);
    QVERIFY(!split->summary.empty());
    QCOMPARE(newerOpVersion("Reshape", 22)->sinceVersion, 21);
    QCOMPARE(newerOpVersion("Reshape", 23)->sinceVersion, 23);
    QCOMPARE(newerOpVersion("Cast", 20)->sinceVersion, 19);
    QVERIFY(!newerOpVersion("Relu", 23));  // unchanged since opset 14
    QVERIFY(!newerOpVersion("Reshape", 18)); // Reshape-14 still at opset 18
    QVERIFY(!newerOpVersion("Attention", 22));
    // Past the table (opset 23): versions of later opsets are known by name only.
    QCOMPARE(newerOpVersion("ReduceMean", 25)->sinceVersion, 18);
    QVERIFY(!newerOpVersion("Cast", 24));
    QCOMPARE(laterOpVersion("Cast", 25), 25);
    QCOMPARE(laterOpVersion("Cast", 23), 0);
    // Every version has a summary and an inference rule.
    for (const auto& info : newerOpVersions()) {
        QVERIFY2(!info.summary.empty(), info.op.c_str());
        QVERIFY2(hasOpsetRule(info.op, info.sinceVersion), (info.op + "-" + std::to_string(info.sinceVersion)).c_str());
    }
    // Ops whose version changed in 18-23, as in the changelog (spot list from issue 12).
    for (const char* op : {"ReduceMean", "Split", "Pad", "Resize", "ScatterElements", "Col2Im", "CenterCropPad",
                           "GroupNormalization", "LpPool", "BitwiseAnd", "OptionalGetElement", "Cast", "CastLike",
                           "Constant", "DeformConv", "Equal", "Identity", "If", "Loop", "Scan", "QuantizeLinear",
                           "DequantizeLinear", "Reshape", "Shape", "Size", "AveragePool", "AffineGrid",
                           "ConstantOfShape", "DFT", "Gelu", "GridSample", "IsInf", "IsNaN", "ReduceMax",
                           "StringSplit", "Flatten", "QLinearMatMul", "Squeeze", "Transpose", "Unsqueeze", "Conv",
                           "Attention", "RMSNormalization", "RotaryEmbedding"})
        QVERIFY2(newerOpVersion(op, 23), op);
}

void TestOpset::perOpShapesMatchOrt_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QStringList>("outputs");
    QTest::addColumn<int>("opset");
    QTest::addColumn<QJsonObject>("dataDims");
    for (const auto& v : manifest()["ops"].toArray()) {
        QJsonObject c = v.toObject();
        QStringList outs;
        for (const auto& o : c["outputs"].toArray())
            outs << o.toString();
        QTest::newRow(qPrintable(c["name"].toString()))
            << c["name"].toString() << c["model"].toString() << outs << c["opset"].toInt() << c["data_dims"].toObject();
    }
}

void TestOpset::perOpShapesMatchOrt()
{
    QFETCH(QString, name);
    QFETCH(QString, model);
    QFETCH(QStringList, outputs);
    QFETCH(int, opset);
    QFETCH(QJsonObject, dataDims);
    const Model m = openModel(dataPath(model).toStdString());
    QVERIFY2(m.graph.inferenceNotes.empty(), m.graph.inferenceNotes.begin()->second.c_str());
    const QJsonObject ort = m_ort[name].toObject();
    QVERIFY2(ort["ok"].toBool(), qPrintable("ONNX Runtime: " + ort["error"].toString()));
    for (const QString& o : outputs) {
        auto it = m.graph.types.find(o.toStdString());
        QVERIFY2(it != m.graph.types.end(), qPrintable("no type for " + o));
        ValueType t = it->second;
        QJsonArray dims = ort["outputs"].toObject()[o].toObject()["dims"].toArray();
        std::vector<int64_t> expect;
        for (const auto& d : dims)
            expect.push_back(static_cast<int64_t>(d.toDouble()));
        // Dims that depend on the input values (StringSplit's longest split) stay unknown.
        for (const auto& i : dataDims[o].toArray()) {
            const auto k = static_cast<std::size_t>(i.toInt());
            QVERIFY(t.hasShape && k < t.dims.size());
            QVERIFY2(!t.dims[k].known(), "a data-dependent dim was inferred");
            t.dims[k].value = expect.at(k);
            t.dims[k].param.clear();
        }
        QVERIFY2(t.isStatic(), qPrintable(o + " inferred as " + QString::fromStdString(t.toString())));
        QVERIFY2(*t.staticDims() == expect,
                 qPrintable(o + ": netfold " + QString::fromStdString(t.shapeString()) + ", ONNX Runtime "
                            + QJsonDocument(dims).toJson(QJsonDocument::Compact)));
        QCOMPARE(t.elemType, dtypeFromName(ort["outputs"].toObject()[o].toObject()["dtype"].toString().toStdString()));
    }
    // netfold-cli info lists no op as not inferred (checked on the newest opsets, each call costs a process).
    if (opset >= 23) {
        QString err;
        QJsonObject info = cliJson({"info", dataPath(model)}, &err);
        QVERIFY2(!info.isEmpty(), qPrintable(err));
        QVERIFY2(info["not_inferred"].toArray().isEmpty(),
                 qPrintable(QJsonDocument(info["not_inferred"].toArray()).toJson(QJsonDocument::Compact)));
    }
}

void TestOpset::retypedInfersAsOriginal_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("original");
    for (const auto& v : manifest()["retyped"].toArray()) {
        QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c["file"].toString())) << c["file"].toString() << c["original"].toString();
    }
}

void TestOpset::retypedInfersAsOriginal()
{
    QFETCH(QString, file);
    QFETCH(QString, original);
    const Model orig = openModel(dataPath(original).toStdString());
    const Model re = openModel(dataPath(file).toStdString());
    QVERIFY(re.opsetVersion("") >= 18);
    std::map<std::string, ValueType> a, b;
    collectTypes(orig.graph, "", a);
    collectTypes(re.graph, "", b);
    int checked = 0;
    for (const auto& [name, t] : a) {
        if (!inferred(t))
            continue;
        auto it = b.find(name);
        QVERIFY2(it != b.end(), qPrintable(QString::fromStdString(name) + " has no type at the newer opset"));
        QVERIFY2(it->second == t, qPrintable(QString::fromStdString(name + ": opset 15 " + t.toString() + ", now "
                                                                    + it->second.toString())));
        ++checked;
    }
    QVERIFY(checked > 0);
    QVERIFY2(countNotes(re.graph) <= countNotes(orig.graph),
             qPrintable(re.graph.inferenceNotes.empty() ? QString("notes in bodies")
                                                        : QString::fromStdString(re.graph.inferenceNotes.begin()->second)));
    if (re.opsetVersion("") >= 23) {
        QString err;
        QJsonObject info = cliJson({"info", dataPath(file)}, &err);
        QVERIFY2(!info.isEmpty(), qPrintable(err));
        QVERIFY(info["not_inferred"].toArray().isEmpty());
    }
}

void TestOpset::retypedSimplifiesAsOriginal_data() { retypedInfersAsOriginal_data(); }

void TestOpset::retypedSimplifiesAsOriginal()
{
    QFETCH(QString, file);
    QFETCH(QString, original);
    QString err;
    const QJsonObject a = cliJson({"simplify", dataPath(original), m_dir.filePath("a.onnx")}, &err);
    QVERIFY2(!a.isEmpty(), qPrintable(err));
    const QJsonObject b = cliJson({"simplify", dataPath(file), m_dir.filePath("b.onnx")}, &err);
    QVERIFY2(!b.isEmpty(), qPrintable(err));
    QVERIFY2(b["nodes_after"].toInt() <= a["nodes_after"].toInt(),
             qPrintable(QString("%1: %2 nodes, opset 15 original: %3")
                            .arg(file)
                            .arg(b["nodes_after"].toInt())
                            .arg(a["nodes_after"].toInt())));
}

void TestOpset::unknownOpStillNamed()
{
    QString err;
    const QJsonObject info = cliJson({"info", dataPath("opsets/unknown_op23.onnx")}, &err);
    QVERIFY2(!info.isEmpty(), qPrintable(err));
    const QJsonArray notes = info["not_inferred"].toArray();
    QVERIFY(!notes.isEmpty());
    QVERIFY2(notes[0].toObject()["reason"].toString().contains("'Frobnicate'"),
             qPrintable(notes[0].toObject()["reason"].toString()));
}

void TestOpset::badOpsNamed_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("expect");
    for (const auto& v : manifest()["bad"].toArray()) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c["model"].toString())) << c["model"].toString() << c["expect"].toString();
    }
}

void TestOpset::badOpsNamed()
{
    // Inconsistent attributes and inputs (huge pads and kernels, wrong counts and ranks): the
    // node is not inferred and the note says why; nothing crashes or overflows.
    QFETCH(QString, model);
    QFETCH(QString, expect);
    const Model m = openModel(dataPath(model).toStdString());
    QCOMPARE(m.graph.inferenceNotes.size(), std::size_t(1));
    const std::string& note = m.graph.inferenceNotes.begin()->second;
    QVERIFY2(note.find("Shape inference failed") != std::string::npos && note.find(expect.toStdString()) != std::string::npos,
             note.c_str());
}

void TestOpset::lowPrecisionValuesMatchOrt()
{
    // Each float8/int4/uint4 initializer (raw_data and typed int32_data) decodes to the values
    // ONNX Runtime's Cast to float/int32 gives.
    const QString path = dataPath("opsets/types_ir10.onnx");
    const QString in = m_dir.filePath("types.json");
    const QString out = m_dir.filePath("types_out.json");
    QFile f(in);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(QJsonObject{{"cases", QJsonArray{QJsonObject{{"name", "t"}, {"model", path}, {"inputs", QJsonObject{}}}}}})
                .toJson(QJsonDocument::Compact));
    f.close();
    auto r = run("node", {sourcePath("tests/ort/eval_many.js"), in, out}, 600000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QFile res(out);
    QVERIFY(res.open(QIODevice::ReadOnly));
    const QJsonObject result = QJsonDocument::fromJson(res.readAll()).object()["t"].toObject();
    QVERIFY2(result["ok"].toBool(), qPrintable(result["error"].toString()));
    const QJsonObject outputs = result["outputs"].toObject();

    const Model m = openModel(path.toStdString());
    QVERIFY2(m.graph.inferenceNotes.empty(), m.graph.inferenceNotes.begin()->second.c_str());
    QCOMPARE(m.graph.initializers.size(), std::size_t(12));
    std::set<std::string> names;
    for (const auto& init : m.graph.initializers) {
        const Tensor& t = *init.tensor;
        names.insert(dtypeName(t.dtype()));
        QVERIFY(isLowPrecisionType(t.dtype()));
        const QJsonObject o = outputs[QString::fromStdString(init.name + "_out")].toObject();
        const QJsonArray data = o["data"].toArray();
        QCOMPARE(static_cast<int64_t>(data.size()), t.numel());
        for (int64_t i = 0; i < t.numel(); ++i) {
            const double mine = t.at(i);
            const QJsonValue theirs = data[static_cast<int>(i)];
            if (theirs.isString()) { // NaN, Infinity, -Infinity
                const QString s = theirs.toString();
                QVERIFY2(s == "NaN" ? std::isnan(mine) : mine == (s.startsWith('-') ? -HUGE_VAL : HUGE_VAL),
                         qPrintable(QString("%1[%2]: netfold %3, ONNX Runtime %4").arg(QString::fromStdString(init.name)).arg(i).arg(mine).arg(s)));
            } else {
                QVERIFY2(mine == theirs.toDouble(),
                         qPrintable(QString("%1[%2]: netfold %3, ONNX Runtime %4").arg(QString::fromStdString(init.name)).arg(i).arg(mine).arg(theirs.toDouble())));
            }
        }
        // Cast's outputs are inferred with the initializer's shape.
        QCOMPARE(m.graph.typeOf(init.name + "_out").staticDims().value_or(std::vector<int64_t>{-1}), t.dims());
    }
    QCOMPARE(names, (std::set<std::string>{"float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4"}));
    QCOMPARE(dtypeFromName("float4e2m1"), int32_t(dtype::Float4E2M1));
}

void TestOpset::float4Values()
{
    // ONNX Runtime has no CPU kernel that reads float4e2m1; the format's 16 values instead.
    const Model m = openModel(dataPath("opsets/types_f4.onnx").toStdString());
    const Tensor& raw = *m.graph.findInitializer("f4_raw")->tensor;
    QCOMPARE(dtypeName(raw.dtype()), std::string("float4e2m1"));
    const std::vector<double> table = {0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6};
    QCOMPARE(raw.toDouble(), table);
    QVERIFY(std::signbit(raw.at(8)));
    QCOMPARE(m.graph.findInitializer("f4_typed")->tensor->toDouble(), (std::vector<double>{0.5, 6, -2}));
    QCOMPARE(QString::fromStdString(m.graph.typeOf("f4_raw").toString()), QString("float4e2m1[2,8]"));
}

void TestOpset::lowPrecisionRoundTrip_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("types_ir10") << "opsets/types_ir10.onnx";
    QTest::newRow("types_f4") << "opsets/types_f4.onnx";
}

void TestOpset::lowPrecisionRoundTrip()
{
    // Load -> save keeps every byte: the 8/4-bit tensors as stored, and the fields ONNX 1.12's
    // schema does not have (metadata_props on a node, the graph, an initializer, an output).
    QFETCH(QString, file);
    const QString path = dataPath(file);
    QFile in(path);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray original = in.readAll();
    QVERIFY(original.contains("make_opsets.py") || file.contains("f4"));
    const Model m = openModel(path.toStdString());
    const QString saved = m_dir.filePath(QFileInfo(file).fileName());
    saveModel(m, saved.toStdString());
    QFile out(saved);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QByteArray written = out.readAll();
    // netfold writes initializers after the rest of the graph (streamed from where they are),
    // so the file's field order differs; every message's bytes, re-serialized in field order
    // with its unknown fields last, are the same.
    onnx::ModelProto a, b;
    QVERIFY(a.ParseFromArray(original.constData(), original.size()));
    QVERIFY(b.ParseFromArray(written.constData(), written.size()));
    QCOMPARE(written.size(), original.size());
    QVERIFY(a.SerializeAsString() == b.SerializeAsString());
    if (file.contains("ir10")) {
        // The fields ONNX 1.12 does not know, one on each kind of message, are there.
        QCOMPARE(b.graph().unknown_fields().field_count(), 1);
        QCOMPARE(b.graph().node(0).unknown_fields().field_count(), 1);
        QCOMPARE(b.graph().initializer(0).unknown_fields().field_count(), 1);
        QCOMPARE(b.graph().output(0).unknown_fields().field_count(), 1);
        QVERIFY(written.contains("make_opsets.py") && written.contains("per-tensor") && written.contains("graph_note"));
    }
    // A computed 4-bit tensor is written packed, two elements a byte.
    const Model types = openModel(dataPath("opsets/types_ir10.onnx").toStdString());
    const Tensor& i4 = *types.graph.findInitializer("i4_raw")->tensor;
    const Tensor copy(i4.dtype(), i4.dims(), i4.bytes().toBytes());
    onnx::TensorProto proto;
    copy.toProto(proto, "copy");
    QCOMPARE(proto.raw_data(), i4.sourceProto()->raw_data());
}

QTEST_GUILESS_MAIN(TestOpset)
#include "tst_opset.moc"
