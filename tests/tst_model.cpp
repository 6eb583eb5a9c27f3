// Loading, saving and validating models: every fixture, every dtype, every kind of bad input.
#include "ModelBuilder.h"
#include "TestSupport.h"

#include "model/DataType.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "model/ModelSummary.h"
#include "shape/ShapeInference.h"
#include "passes/Passes.h"

#include <QtTest>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>
#include <limits>
#include <map>

using namespace netfold;
using namespace netfold::test;

namespace {

QJsonObject fixtures()
{
    QFile f(dataPath("fixtures.json"));
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

QStringList goodFixtures()
{
    QStringList out;
    const QJsonObject all = fixtures();
    for (auto it = all.begin(); it != all.end(); ++it)
        if (it.value().toObject().value("expect").toString("load") == "load")
            out << it.key();
    return out;
}

QStringList dirEntries(const QString& dir) { return QDir(dir).entryList(QDir::Files | QDir::Hidden); }

} // namespace

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void loadsFixture_data();
    void loadsFixture();
    void roundTripIsLossless_data();
    void roundTripIsLossless();
    void decodesEveryDtype();
    void weightsAreDecodedLazily();
    void externalDataKept();
    void badInput_data();
    void badInput();
    void saveNeverOverwritesInput();
    void saveFailureLeavesNothing();
    void shapesInferred();
    void reusedInferenceIsExact();
    void newerOpsetsLoadWithNotes();
    void customDomainNoted();
    void subgraphsAreNested();
    void pathsLeadIntoBodies();
    void float16Conversions();
    void floatsReadAsIntegersAreDefined();
    void typedCountIsCheckedBeforeAllocating();
    void hazardsKeptFromOnnxInference_data();
    void hazardsKeptFromOnnxInference();
    void bodyReadsAreRememberedPerBody();
};

void TestModel::loadsFixture_data()
{
    QTest::addColumn<QString>("file");
    for (const QString& f : goodFixtures())
        QTest::newRow(qPrintable(f)) << f;
}

void TestModel::loadsFixture()
{
    QFETCH(QString, file);
    const QJsonObject expect = fixtures().value(file).toObject();
    const Model m = openModel(dataPath(file).toStdString());
    const QString warning = expect.value("expect_warning").toString();
    if (!warning.isEmpty()) {
        QCOMPARE(int(m.warnings.size()), 1);
        QVERIFY(QString::fromStdString(m.warnings.front()).contains(warning));
    }
    QCOMPARE(int(m.graph.nodes.size()), expect.value("nodes").toInt());
    const Json info = modelInfoJson(m);
    const QJsonObject ops = expect.value("op_counts").toObject();
    const Json* got = info.get("op_counts");
    QCOMPARE(int(got->members().size()), ops.size());
    for (const auto& [op, n] : got->members())
        QCOMPARE(int(n.toInt()), ops.value(QString::fromStdString(op)).toInt());
    // Inputs and outputs with dtype and shape, symbolic dims included.
    const QJsonArray inputs = expect.value("inputs").toArray();
    const Json* gotInputs = info.get("inputs");
    QCOMPARE(int(gotInputs->items().size()), inputs.size());
    for (int i = 0; i < inputs.size(); ++i) {
        const QJsonObject want = inputs[i].toObject();
        const Json& have = gotInputs->items()[static_cast<std::size_t>(i)];
        QCOMPARE(QString::fromStdString(have.get("name")->toString()), want.value("name").toString());
        QCOMPARE(QString::fromStdString(have.get("dtype")->toString()), want.value("dtype").toString());
        const QJsonArray shape = want.value("shape").toArray();
        if (have.get("shape")->type() == Json::Type::Array) {
            QCOMPARE(int(have.get("shape")->items().size()), shape.size());
            for (int k = 0; k < shape.size(); ++k) {
                const Json& d = have.get("shape")->items()[static_cast<std::size_t>(k)];
                if (shape[k].isString())
                    QCOMPARE(QString::fromStdString(d.toString()), shape[k].toString());
                else if (shape[k].isDouble())
                    QCOMPARE(d.toInt(), int64_t(shape[k].toDouble()));
            }
        }
    }
}

void TestModel::roundTripIsLossless_data() { loadsFixture_data(); }

void TestModel::roundTripIsLossless()
{
    QFETCH(QString, file);
    QTemporaryDir dir;
    const Model a = openModel(dataPath(file).toStdString());
    const QString out = dir.filePath("copy.onnx");
    if (!a.warnings.empty()) {
        // Unreadable external data: saving must fail cleanly, never write half a model.
        QVERIFY_EXCEPTION_THROWN(saveModel(a, out.toStdString()), Error);
        QCOMPARE(dirEntries(dir.path()), QStringList());
        return;
    }
    saveModel(a, out.toStdString());
    const Model b = openModel(out.toStdString());
    QCOMPARE(b.graph.nodes.size(), a.graph.nodes.size());
    QCOMPARE(b.graph.totalNodeCount(), a.graph.totalNodeCount());
    QCOMPARE(b.graph.initializers.size(), a.graph.initializers.size());
    QVERIFY(modelToBytes(a) == modelToBytes(b));
    for (std::size_t i = 0; i < a.graph.initializers.size(); ++i) {
        const Tensor& x = *a.graph.initializers[i].tensor;
        const Tensor& y = *b.graph.initializers[i].tensor;
        if (x.storage() != Tensor::Storage::External || QFile::exists(QString::fromStdString(x.externalPath())))
            QVERIFY(x.sameContent(y));
    }
    // Nothing but the output (and its data file) was written.
    for (const QString& f : dirEntries(dir.path()))
        QVERIFY2(f == "copy.onnx" || f == "copy.onnx.data", qPrintable(f));
}

void TestModel::decodesEveryDtype()
{
    QFile f(dataPath("fp16_bf16.expected.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonArray inits = QJsonDocument::fromJson(f.readAll()).object().value("initializers").toArray();
    QVERIFY(inits.size() >= 12);
    const Model m = openModel(dataPath("fp16_bf16.onnx").toStdString());
    for (const auto& v : inits) {
        const QJsonObject e = v.toObject();
        const Initializer* init = m.graph.findInitializer(e.value("name").toString().toStdString());
        QVERIFY2(init, qPrintable(e.value("name").toString()));
        const Tensor& t = *init->tensor;
        QCOMPARE(QString::fromStdString(dtypeName(t.dtype())), e.value("dtype").toString());
        const QJsonArray values = e.value("values").toArray();
        const QJsonArray strs = e.value("values_str").toArray();
        QCOMPARE(t.numel(), int64_t(values.size()));
        for (int i = 0; i < values.size(); ++i) {
            if (t.dtype() == dtype::String) {
                QCOMPARE(QString::fromStdString(t.strings()[static_cast<std::size_t>(i)]), values[i].toString());
            } else if (!strs.isEmpty()) {
                const QString want = strs[i].toString();
                if (t.dtype() == dtype::UInt64)
                    QCOMPARE(static_cast<uint64_t>(t.intAt(i)), want.toULongLong());
                else
                    QCOMPARE(t.intAt(i), want.toLongLong());
            } else if (values[i].isBool()) {
                QCOMPARE(t.at(i), values[i].toBool() ? 1.0 : 0.0);
            } else {
                QCOMPARE(t.at(i), values[i].toDouble());
            }
        }
    }
}

void TestModel::weightsAreDecodedLazily()
{
    const Model m = openModel(dataPath("seed_static.onnx").toStdString());
    for (const auto& i : m.graph.initializers)
        QVERIFY(!i.tensor->isDecoded());
    const Tensor& w = *m.graph.initializers.front().tensor;
    QVERIFY(w.numel() > 0);
    (void)w.bytes();
    QVERIFY(w.isDecoded());
}

void TestModel::externalDataKept()
{
    const Model m = openModel(dataPath("external_data.onnx").toStdString());
    bool anyExternal = false;
    for (const auto& i : m.graph.initializers) {
        anyExternal = anyExternal || i.tensor->storage() == Tensor::Storage::External;
        QVERIFY(!i.tensor->isDecoded());
    }
    QVERIFY(anyExternal);
    QTemporaryDir dir;
    const QString out = dir.filePath("ext.onnx");
    saveModel(m, out.toStdString());
    QVERIFY(QFile::exists(out + ".data"));
    const Model b = openModel(out.toStdString());
    for (std::size_t i = 0; i < m.graph.initializers.size(); ++i)
        QVERIFY(m.graph.initializers[i].tensor->sameContent(*b.graph.initializers[i].tensor));
}

void TestModel::badInput_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    const QJsonObject all = fixtures();
    for (auto it = all.begin(); it != all.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        if (o.value("expect").toString() == "error")
            QTest::newRow(qPrintable(it.key())) << it.key() << o.value("expect_error").toString();
    }
    QTest::newRow("missing file") << "no/such/file.onnx" << "No such file";
    QTest::newRow("directory") << "bad" << "directory";
}

void TestModel::badInput()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    try {
        openModel(dataPath(file).toStdString());
        QFAIL("loaded a bad model");
    } catch (const Error& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(expected, Qt::CaseInsensitive), qPrintable(msg));
        QVERIFY2(!msg.contains('\n'), qPrintable(msg));
        QVERIFY2(msg.endsWith('.'), qPrintable(msg));
        QVERIFY2(msg.contains(QFileInfo(file).fileName()), qPrintable(msg));
    }
}

void TestModel::saveNeverOverwritesInput()
{
    QTemporaryDir dir;
    const QString in = dir.filePath("in.onnx");
    QVERIFY(QFile::copy(dataPath("seed_static.onnx"), in));
    const QByteArray before = [&] {
        QFile f(in);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    const Model m = openModel(in.toStdString());
    QVERIFY_EXCEPTION_THROWN(saveModel(m, in.toStdString()), Error);
    QFile f(in);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
    SaveOptions o;
    o.overwriteInput = true;
    saveModel(m, in.toStdString(), o);
    QCOMPARE(openModel(in.toStdString()).graph.nodes.size(), m.graph.nodes.size());
}

void TestModel::saveFailureLeavesNothing()
{
    QTemporaryDir dir;
    const Model m = openModel(dataPath("seed_static.onnx").toStdString());
    QVERIFY_EXCEPTION_THROWN(saveModel(m, dir.filePath("missing/out.onnx").toStdString()), Error);
    QVERIFY_EXCEPTION_THROWN(saveModel(m, dir.path().toStdString()), Error);
    // A model whose external data is missing cannot be saved; no partial file remains.
    const Model broken = openModel(dataPath("bad/missing_external.onnx").toStdString());
    QVERIFY(!broken.warnings.empty());
    QVERIFY_EXCEPTION_THROWN(saveModel(broken, dir.filePath("out.onnx").toStdString()), Error);
    QCOMPARE(dirEntries(dir.path()), QStringList());
}

void TestModel::shapesInferred()
{
    const Model m = openModel(dataPath("seed_dynamic.onnx").toStdString());
    QCOMPARE(QString::fromStdString(m.graph.typeOf("output0").toString()), QString("float[batch,10]"));
    for (const auto& n : m.graph.nodes)
        for (const auto& o : n.outputs)
            QVERIFY2(m.graph.typeOf(o).elemType != 0, o.c_str());
    QVERIFY(m.graph.inferenceNotes.empty());
    const Model huge = openModel(dataPath("bad/huge_dim.onnx").toStdString());
    QVERIFY(huge.graph.typeOf(huge.graph.nodes[0].outputs[0]).hasShape);
}

namespace {

/// Every type and inference note of a graph and its bodies, as text.
void describeInference(const Graph& g, const std::string& path, std::map<std::string, std::string>& out)
{
    for (const auto& [name, type] : g.types)
        out[path + "type " + name] = type.toString() + " kind=" + type.kind + (type.hasShape ? " shaped" : "");
    for (const auto& o : g.outputs)
        out[path + "output " + o.name] = o.type.toString();
    for (const auto& [id, note] : g.inferenceNotes)
        out[path + "note " + std::to_string(id)] = note;
    for (const auto& n : g.nodes)
        for (const auto& sg : n.subgraphs)
            describeInference(*sg.graph, path + std::to_string(n.id) + "/" + sg.attribute + "/", out);
}

} // namespace

void TestModel::reusedInferenceIsExact()
{
    // Nodes alike in op, attributes, input types and the input values inference reads reuse the
    // first one's result (repeated blocks are inferred once): the types and notes must be exactly
    // those of inferring every node, for every model in tests/data (fuzz finds, hostile and
    // real models included) ...
    int models = 0, reused = 0;
    QDirIterator it(dataPath(""), {"*.onnx"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        Model raw;
        try {
            raw = loadModel(file.toStdString());
        } catch (const std::exception&) {
            continue; // files the loader refuses are another test's business
        }
        Model each = raw, reusing = raw;
        inferShapesWith(each, false);
        reused += inferShapesWith(reusing, true).reusedResults;
        std::map<std::string, std::string> a, b;
        describeInference(each.graph, "", a);
        describeInference(reusing.graph, "", b);
        for (const auto& [key, value] : a)
            QVERIFY2(b.count(key) && b.at(key) == value,
                     qPrintable(file + ": " + QString::fromStdString(key + " is " + value + " inferring each node, "
                                                                      + (b.count(key) ? b.at(key) : "missing")
                                                                      + " reusing results")));
        QVERIFY2(a.size() == b.size(), qPrintable(file));
        ++models;
    }
    QVERIFY2(models > 100, qPrintable(QString::number(models)));
    QVERIFY2(reused > 500, qPrintable(QString::number(reused)));

    // ... and dims inference makes up ("unk__N": unknown, but not known to be equal) stay
    // distinct per node: two alike NonZeros (int64[2, ?]) get their own.
    ModelBuilder mb;
    mb.input("x", onnx::TensorProto::FLOAT, {2, 3});
    mb.node("NonZero", {"x"}, {"a"}).node("NonZero", {"x"}, {"b"}).node("Add", {"a", "b"}, {"y"});
    mb.output("y");
    Model m = mb.build(false);
    inferShapesWith(m, true);
    const ValueType a = m.graph.typeOf("a"), b = m.graph.typeOf("b");
    QCOMPARE(int(a.dims.size()), 2);
    QCOMPARE(int(b.dims.size()), 2);
    QVERIFY(a.dims[1].placeholder() && b.dims[1].placeholder());
    QVERIFY2(a.dims[1].param != b.dims[1].param,
             qPrintable(QString::fromStdString(a.dims[1].param + " / " + b.dims[1].param)));
}

void TestModel::newerOpsetsLoadWithNotes()
{
    QCOMPARE(knownOnnxOpset(), 17);
    // Ops that changed after opset 17 are inferred by netfold's own rules (core/shape/OpsetRules).
    const Model m18 = openModel(dataPath("opset18.onnx").toStdString());
    QVERIFY(m18.graph.inferenceNotes.empty());
    QCOMPARE(QString::fromStdString(m18.graph.typeOf("m").toString()), QString("float[1,4,1]"));
    const Model m21 = openModel(dataPath("opset21.onnx").toStdString());
    QVERIFY(m21.graph.inferenceNotes.empty());
    // An op nobody defines is still named, with the opset.
    const Model m = openModel(dataPath("opsets/unknown_op23.onnx").toStdString());
    QCOMPARE(m.graph.inferenceNotes.size(), std::size_t(2)); // the op, and its consumer
    bool namesOpset = false;
    for (const auto& [id, note] : m.graph.inferenceNotes)
        namesOpset = namesOpset || (note.find("opset 23") != std::string::npos && note.find("Frobnicate") != std::string::npos);
    QVERIFY(namesOpset);
    // Nodes before it were still inferred.
    QCOMPARE(QString::fromStdString(m.graph.typeOf("r").toString()), QString("float[2,3]"));
}

void TestModel::customDomainNoted()
{
    const Model m = openModel(dataPath("custom_domain.onnx").toStdString());
    bool noted = false;
    for (const auto& [id, note] : m.graph.inferenceNotes)
        noted = noted || note.find("com.example") != std::string::npos;
    QVERIFY(noted);
}

void TestModel::subgraphsAreNested()
{
    const Model m = openModel(dataPath("if_model.onnx").toStdString());
    QVERIFY(m.graph.subgraphCount() >= 2);
    QVERIFY(m.graph.totalNodeCount() > m.graph.nodes.size());
    std::set<NodeId> ids;
    std::function<void(const Graph&)> walk = [&](const Graph& g) {
        for (const auto& n : g.nodes) {
            QVERIFY(ids.insert(n.id).second);
            for (const auto& sg : n.subgraphs)
                walk(*sg.graph);
        }
    };
    walk(m.graph);
}

void TestModel::pathsLeadIntoBodies()
{
    const Model m = openModel(dataPath("nested_model.onnx").toStdString());
    auto named = [](const Graph& g, const std::string& name) {
        for (const auto& n : g.nodes)
            if (n.name == name)
                return n.id;
        return kNoNode;
    };
    const NodeId loop = named(m.graph, "loop0");
    QVERIFY(loop != kNoNode);
    QVERIFY(resolvePath(m.graph, {}) == &m.graph);
    const Graph* body = resolvePath(m.graph, {{loop, "body"}});
    QVERIFY(body);
    QCOMPARE(body->name, std::string("loop_body"));
    const NodeId inner = named(*body, "inner_if");
    const Graph* then = resolvePath(m.graph, {{loop, "body"}, {inner, "then_branch"}});
    QVERIFY(then);
    QCOMPARE(then->nodes.at(0).name, std::string("inner_then_add"));
    // Wrong attribute, a node of another level, no such node.
    QVERIFY(!resolvePath(m.graph, {{loop, "then_branch"}}));
    QVERIFY(!resolvePath(m.graph, {{inner, "then_branch"}}));
    QVERIFY(!resolvePath(m.graph, {{loop, "body"}, {12345, "then_branch"}}));

    QCOMPARE(pathToNode(m.graph, loop), std::optional<GraphPath>(GraphPath{}));
    const GraphPath deep{{loop, "body"}, {inner, "then_branch"}};
    QCOMPARE(pathToNode(m.graph, then->nodes.at(0).id), std::optional<GraphPath>(deep));
    QCOMPARE(pathToNode(m.graph, inner), std::optional<GraphPath>(GraphPath{{loop, "body"}}));
    QVERIFY(!pathToNode(m.graph, 12345));
}

void TestModel::float16Conversions()
{
    for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f})
        QCOMPARE(halfToFloat(floatToHalf(f)), f);
    QVERIFY(std::isinf(halfToFloat(floatToHalf(1e6f))));
    QVERIFY(std::isnan(halfToFloat(floatToHalf(NAN))));
    QCOMPARE(bfloat16ToFloat(floatToBfloat16(1.5f)), 1.5f);
    QCOMPARE(bfloat16ToFloat(floatToBfloat16(-0.15625f)), -0.15625f);
}

// Passes read shapes, axes and indices with toInt64(); a hostile model can hand them floats
// (fuzz find: a float Reshape shape holding NaN was an undefined conversion under UBSan).
void TestModel::floatsReadAsIntegersAreDefined()
{
    const double inf = std::numeric_limits<double>::infinity();
    for (int32_t dt : {dtype::Float, dtype::Double, dtype::Float16}) {
        const auto t = Tensor::fromDoubles(dt, {7}, {2.9, -2.9, std::nan(""), inf, -inf, 1e30, -1e30});
        // (float16 stores 2.9 as 2.900390625 and 1e30 as inf: the same integers)
        QCOMPARE(t->toInt64(), (std::vector<int64_t>{2, -2, 0, INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN}));
    }
    // eliminate_nop_reshape leaves a Reshape whose shape is not int64 (an invalid model) alone.
    ModelBuilder b(17);
    b.input("x", dtype::Float, {2, 3}).output("y", dtype::Float);
    b.floats("shape", {2}, {2.0f, 3.0f}); // read as [2,3] it would be a no-op
    b.node("Reshape", {"x", "shape"}, {"r"});
    b.node("Relu", {"r"}, {"y"});
    const Model model = b.build();
    const auto pass = passByName("eliminate_nop_reshape");
    QVERIFY(pass);
    const PassResult r = pass->run(model);
    QVERIFY(r.changes.empty());
    QCOMPARE(r.model.graph.nodes.size(), std::size_t(2));
}

QTEST_GUILESS_MAIN(TestModel)
// Fuzz find (campaign at 8258855): eliminate_nop_pad read a float8 [2^31, 16384] pads tensor
// with 4 values in int32_data. Float8 and 4-bit typed fields were not counted when the tensor was
// read, and decoding allocated the 32 TiB its dims claim before counting the values.
void TestModel::typedCountIsCheckedBeforeAllocating()
{
    for (int32_t dt : {dtype::Float8E4M3FNUZ, dtype::Int4, dtype::Int64}) {
        auto proto = std::make_shared<onnx::TensorProto>();
        proto->set_name("pads");
        proto->set_data_type(dt);
        proto->add_dims(int64_t(1) << 31);
        proto->add_dims(16384);
        for (int k = 0; k < 4; ++k)
            dt == dtype::Int64 ? proto->add_int64_data(1) : proto->add_int32_data(1);
        const QString field = dt == dtype::Int64 ? "int64_data" : "int32_data";
        const QString expect = "Tensor 'pads' has 4 values in " + field + " for 35184372088832 "
                               + (dt == dtype::Int4 ? "4-bit elements (17592186044416 expected)." : "elements.");
        try {
            const Tensor t(proto, ".");
            (void)t.toInt64();
            QFAIL("decoded");
        } catch (const Error& e) {
            QCOMPARE(QString(e.what()), expect);
        }
    }
    // A 4-bit tensor of 2^63-1 elements: the packed count is computed without overflowing (fuzz
    // find, campaign at b578895: UBSan signed overflow in (n + 1) / 2).
    onnx::TensorProto proto;
    proto.set_name("w");
    proto.set_data_type(dtype::Int4);
    proto.add_dims(std::numeric_limits<int64_t>::max());
    proto.add_int32_data(1);
    try {
        validateTensorProto(proto, "Tensor 'w'");
        QFAIL("accepted");
    } catch (const Error& e) {
        QCOMPARE(QString(e.what()), QString("Tensor 'w' has 1 values in int32_data for 9223372036854775807 4-bit "
                                            "elements (4611686018427387904 expected)."));
    }
}

void TestModel::hazardsKeptFromOnnxInference_data()
{
    // Nodes ONNX 1.12's inference functions would crash on or exhaust memory with (each row
    // crashed or allocated without bound before netfold kept it away): a note on that node says
    // why, and the load goes on. The last rows are STFT in forms inference takes: netfold's own
    // rule, since ONNX 1.12's gives frame_length bins for the default onesided=1 (ONNX Runtime
    // gives [1,3,5,2] for the first).
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("expect");
    QTest::addColumn<int>("variant");
    QTest::newRow("STFT, signal of rank 1") << "STFT" << "the signal's rank (or the window's) is unknown" << 0;
    QTest::newRow("STFT, window of rank 0") << "STFT" << "the signal's rank (or the window's) is unknown" << 1;
    QTest::newRow("STFT, signal of unknown rank") << "STFT" << "the signal's rank (or the window's) is unknown" << 2;
    QTest::newRow("Conv, weights of rank 3 for a rank-4 input") << "Conv" << "its input and weights have ranks 4 and 3" << 0;
    QTest::newRow("Expand, shape input declared [2^40]") << "Expand" << "its shape input 'shape' has 1099511627776 values" << 0;
    QTest::newRow("DepthToSpace, blocksize 2^32") << "DepthToSpace" << "Attribute 'blocksize' 4294967296 is out of range" << 0;
    QTest::newRow("STFT, well-formed") << "STFT" << "float[1,3,5,2]" << 3;
    QTest::newRow("STFT, onesided 0") << "STFT" << "float[1,3,8,2]" << 4;
    QTest::newRow("STFT, frame_length 6") << "STFT" << "float[1,3,4,2]" << 5;
}

void TestModel::hazardsKeptFromOnnxInference()
{
    QFETCH(QString, op);
    QFETCH(QString, expect);
    QFETCH(int, variant);
    ModelBuilder mb(17);
    if (op == "STFT") {
        if (variant == 2)
            mb.input("signal", onnx::TensorProto::FLOAT, {});
        else
            mb.input("signal", onnx::TensorProto::FLOAT, variant == 0 ? std::vector<DimSpec>{16} : std::vector<DimSpec>{1, 16, 1});
        mb.ints("step", {}, {4});
        if (variant == 1)
            mb.floats("window", {}, {1.f});
        else
            mb.floats("window", {8}, std::vector<float>(8, 1.f));
        if (variant == 5) {
            mb.ints("length", {}, {6});
            mb.node("STFT", {"signal", "step", "", "length"}, {"y"});
        } else {
            mb.node("STFT", {"signal", "step", "window"}, {"y"});
        }
        if (variant == 4)
            mb.attr("onesided", int64_t(0));
        if (variant == 2) // an input of no shape at all
            mb.proto().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    } else if (op == "Conv") {
        mb.input("x", onnx::TensorProto::FLOAT, {1, 3, 8, 8});
        mb.input("w", onnx::TensorProto::FLOAT, {4, 3, 3});
        mb.node("Conv", {"x", "w"}, {"y"});
    } else if (op == "Expand") {
        mb.input("x", onnx::TensorProto::FLOAT, {2});
        mb.input("shape", onnx::TensorProto::INT64, {int64_t(1) << 40});
        mb.node("Expand", {"x", "shape"}, {"y"});
    } else {
        mb.input("x", onnx::TensorProto::FLOAT, {1, 16, 2, 2});
        mb.node("DepthToSpace", {"x"}, {"y"}).attr("blocksize", int64_t(1) << 32);
    }
    mb.output("y");
    const Model m = mb.build();
    QCOMPARE(int(m.graph.nodes.size()), 1);
    const auto note = m.graph.inferenceNotes.find(m.graph.nodes[0].id);
    if (expect.startsWith("float[")) {
        QVERIFY2(note == m.graph.inferenceNotes.end(), note->second.c_str());
        QCOMPARE(QString::fromStdString(m.graph.typeOf("y").toString()), expect);
        return;
    }
    QVERIFY2(note != m.graph.inferenceNotes.end(), qPrintable(op));
    QVERIFY2(note->second.rfind("Not handed to ONNX inference: ", 0) == 0 && note->second.find(expect.toStdString()) != std::string::npos,
             note->second.c_str());
    QVERIFY(!m.graph.typeOf("y").hasShape);
}

// A body's outer-scope reads are remembered while it lives (GraphIndex asks for them on every
// index of its parent); a new body at a freed one's address gets its own.
void TestModel::bodyReadsAreRememberedPerBody()
{
    // Not make_shared: there the remembered weak pointer would keep the body's memory, and so its
    // address, from being reused.
    auto body = [](const char* read) {
        std::shared_ptr<Graph> g(new Graph);
        Node n;
        n.id = 1;
        n.opType = "Relu";
        n.inputs = {read};
        n.outputs = {"out"};
        g->nodes.push_back(n);
        g->outputs.push_back(ValueInfo{"out", {}, {}, {}});
        return std::shared_ptr<const Graph>(g);
    };
    auto a = body("outer_a");
    const auto first = outerScopeReads(a);
    QCOMPARE(*first, std::vector<std::string>{"outer_a"});
    QCOMPARE(outerScopeReads(a).get(), first.get()); // remembered, not computed again
    QCOMPARE(*outerScopeReads(a), outerScopeReads(*a));
    const Graph* address = a.get();
    a.reset();
    bool reused = false;
    std::vector<std::shared_ptr<const Graph>> keep;
    for (int i = 0; i < 64 && !reused; ++i) {
        keep.push_back(body("outer_b"));
        reused = keep.back().get() == address;
        QCOMPARE(*outerScopeReads(keep.back()), std::vector<std::string>{"outer_b"});
    }
    if (!reused)
        qInfo("the allocator did not reuse the freed body's address; only the per-body answers were checked");
}

#include "tst_model.moc"
