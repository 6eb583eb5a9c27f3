#include "tst_eval_ort_support.h"

#include "ModelBuilder.h"
#include "TestSupport.h"

#include "eval/Evaluator.h"
#include "model/DataType.h"
#include "shape/Open.h"
#include "util/Error.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <map>
#include <stdexcept>

namespace netfold::evaltest {

using test::DimSpec;
using test::ModelBuilder;

TensorPtr randomTensor(const QString& spec, std::mt19937& rng)
{
    const int tilde = spec.indexOf('~');
    const QString modifier = tilde < 0 ? QString() : spec.mid(tilde + 1);
    const TensorPtr shape = parseTensor((tilde < 0 ? spec : spec.left(tilde)) + "{}");
    const int32_t dt = shape->dtype();
    auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
    auto integer = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    QStringList tokens;
    for (int64_t i = 0; i < shape->numel(); ++i) {
        double v;
        if (dt == dtype::Bool) {
            v = integer(0, 1);
        } else if (isFloatType(dt)) {
            v = modifier == "pos"     ? uniform(0.1, 3)
                : modifier == "small" ? uniform(-0.5, 0.5)
                : modifier == "unit"  ? uniform(-0.95, 0.95)
                : modifier == "01"    ? uniform(0, 1)
                : modifier == "int"   ? integer(-3, 3)
                : modifier == "big"   ? uniform(-100, 100)
                : modifier == "ge1"   ? uniform(1, 4)
                                      : uniform(-2, 2);
        } else if (modifier == "full") {
            v = dt == dtype::Int8 ? integer(-128, 127) : dt == dtype::UInt8 ? integer(0, 255) : integer(-1000, 1000);
        } else if (isUnsignedType(dt)) {
            v = modifier == "pos" || modifier == "nz" ? integer(1, 10) : integer(0, 10);
        } else {
            v = modifier == "pos" ? integer(1, 5) : integer(-5, 5);
            while (modifier == "nz" && v == 0)
                v = integer(-5, 5);
        }
        tokens << QString::number(v, 'g', 17);
    }
    return makeTensor(dt, shape->dims(), tokens);
}

QJsonObject tensorJson(const Tensor& t)
{
    QJsonArray dims, data;
    for (int64_t d : t.dims())
        dims.append(qint64(d));
    for (int64_t i = 0; i < t.numel(); ++i) {
        if (t.dtype() == dtype::Bool)
            data.append(t.intAt(i) != 0);
        else if (isFloatType(t.dtype()))
            data.append(t.at(i));
        else
            data.append(qint64(t.intAt(i)));
    }
    return {{"dtype", QString::fromStdString(dtypeName(t.dtype()))}, {"dims", dims}, {"data", data}};
}

TensorPtr tensorFromJson(const QJsonObject& o)
{
    const int32_t dt = dtypeFromName(o["dtype"].toString().toStdString());
    std::vector<int64_t> dims;
    for (const auto& d : o["dims"].toArray())
        dims.push_back(d.toInteger());
    QStringList tokens;
    for (const auto& v : o["data"].toArray()) {
        if (v.isBool())
            tokens << (v.toBool() ? "1" : "0");
        else if (v.isString())
            tokens << v.toString().replace("Infinity", "inf").replace("NaN", "nan");
        else if (isFloatType(dt))
            tokens << QString::number(v.toDouble(), 'g', 17);
        else
            tokens << QString::number(v.toInteger());
    }
    return makeTensor(dt, dims, tokens);
}

void addAttr(onnx::NodeProto& node, const QString& spec)
{
    const int eq = spec.indexOf('=');
    const QString v = spec.mid(eq + 1).trimmed();
    if (!v.startsWith("strings:")) {
        addAttribute(node, spec);
        return;
    }
    auto* a = node.add_attribute();
    a->set_name(spec.left(eq).trimmed().toStdString());
    a->set_type(onnx::AttributeProto::STRINGS);
    for (const auto& s : v.mid(8).split('|'))
        a->add_strings(s.toStdString());
}

QString modelPath(const QString& file) { return QFileInfo(file).isAbsolute() ? file : test::dataPath(file); }

// ---- CaseList ----------------------------------------------------------------------------------------

OrtCase& CaseList::add(const QString& name, const QString& op, int opset, const QStringList& attrs,
                       const QStringList& inputs, int outputs)
{
    QStringList names;
    for (int i = 0; i < outputs; ++i)
        names << "out" + QString::number(i);
    return add(name, op, opset, attrs, inputs, names);
}

OrtCase& CaseList::add(const QString& name, const QString& op, int opset, const QStringList& attrs,
                       const QStringList& inputs, const QStringList& outputs)
{
    if (m_names.contains(name))
        throw std::logic_error("duplicate case name " + name.toStdString());
    m_names.insert(name);
    OrtCase c;
    c.name = name;
    c.op = op;
    c.opset = opset;
    c.attrs = attrs;
    c.inputs = inputs;
    c.outputs = outputs;
    m_cases.push_back(c);
    return m_cases.back();
}

void CaseList::failing(const QString& name, const QString& op, int opset, const QStringList& attrs,
                       const QStringList& inputs, int outputs)
{
    add(name, op, opset, attrs, inputs, outputs).bothFail = true;
}

void CaseList::model(const QString& name, const QString& file, int64_t symbolicDim)
{
    OrtCase c;
    c.name = name;
    c.modelFile = file;
    c.symbolicDim = symbolicDim;
    m_cases.push_back(c);
}

// ---- running -------------------------------------------------------------------------------------------

namespace {

/// Writes the model ONNX Runtime runs for a one-node case: the node itself, or an equivalent
/// (extra attributes; a layout=0 recurrent node between Transposes for layout=1).
void saveOrtModel(const OrtCase& c, const ModelBuilder& built, const std::vector<std::string>& inputs,
                  const std::vector<std::string>& outputs, const QString& path)
{
    ModelBuilder b = built;
    auto* node = b.proto().mutable_graph()->mutable_node(0);
    for (const auto& a : c.ortExtraAttrs)
        addAttr(*node, a);
    if (c.ortLayout0) {
        for (auto& a : *node->mutable_attribute())
            if (a.name() == "layout")
                a.set_i(0);
        // X [B,T,I] -> [T,B,I]; initial_h/initial_c [B,D,H] -> [D,B,H]; Y [T,D,B,H] -> [B,T,D,H]; Y_h/Y_c back.
        auto transpose = [](const std::string& from, const std::string& to, const std::vector<int64_t>& perm) {
            onnx::NodeProto t;
            t.set_op_type("Transpose");
            t.add_input(from);
            t.add_output(to);
            auto* a = t.add_attribute();
            a->set_name("perm");
            a->set_type(onnx::AttributeProto::INTS);
            for (int64_t p : perm)
                a->add_ints(p);
            return t;
        };
        std::vector<onnx::NodeProto> before, after;
        for (std::size_t i : {std::size_t(0), std::size_t(5), std::size_t(6)})
            if (i < inputs.size() && !inputs[i].empty()) {
                before.push_back(transpose(inputs[i], inputs[i] + "_t", {1, 0, 2}));
                node->set_input(int(i), inputs[i] + "_t");
            }
        for (std::size_t i = 0; i < outputs.size(); ++i)
            if (!outputs[i].empty()) {
                node->set_output(int(i), outputs[i] + "_t");
                after.push_back(transpose(outputs[i] + "_t", outputs[i],
                                          i == 0 ? std::vector<int64_t>{2, 0, 1, 3} : std::vector<int64_t>{1, 0, 2}));
            }
        const onnx::NodeProto main = *node;
        auto* g = b.proto().mutable_graph();
        g->clear_node();
        for (const auto& n : before)
            *g->add_node() = n;
        *g->add_node() = main;
        for (const auto& n : after)
            *g->add_node() = n;
    }
    b.save(path.toStdString());
}

/// Builds the one-node model of a case (random inputs as graph inputs, literals as initializers),
/// evaluates it with netfold and records the model file and the feeds for ONNX Runtime.
CaseRun runNodeCase(const OrtCase& c, std::mt19937& rng, const QString& modelPath, QJsonObject& feeds)
{
    CaseRun run{c, {}, {}, {}};
    ModelBuilder b(c.opset);
    std::vector<std::string> inputNames;
    std::map<std::string, TensorPtr> values;
    for (int i = 0; i < c.inputs.size(); ++i) {
        const QString& spec = c.inputs[i];
        const std::string name = spec.isEmpty() ? std::string() : "in" + std::to_string(i);
        inputNames.push_back(name);
        if (spec.isEmpty())
            continue;
        if (spec.contains('{')) {
            values[name] = parseTensor(spec);
            b.initializer(name, *values[name]);
        } else {
            values[name] = randomTensor(spec, rng);
            std::vector<DimSpec> dims(values[name]->dims().begin(), values[name]->dims().end());
            b.input(name, values[name]->dtype(), dims);
            feeds[QString::fromStdString(name)] = tensorJson(*values[name]);
        }
    }
    std::vector<std::string> outputNames;
    for (const auto& o : c.outputs) {
        outputNames.push_back(o.toStdString());
        if (!o.isEmpty())
            run.outputNames.push_back(o);
    }
    b.node(c.op.toStdString(), inputNames, outputNames, "node");
    for (const auto& a : c.attrs)
        addAttr(*b.proto().mutable_graph()->mutable_node(0), a);
    for (const auto& o : outputNames)
        if (!o.empty())
            b.output(o);
    saveOrtModel(c, b, inputNames, outputNames, modelPath);
    try {
        const Model m = b.build(false);
        std::vector<TensorPtr> inputs;
        for (const auto& name : inputNames)
            inputs.push_back(name.empty() ? nullptr : values.at(name));
        for (const auto& t : evaluateNode(m.graph.nodes.at(0), inputs, c.opset))
            if (t)
                run.netfold.push_back(t);
    } catch (const Error& e) {
        run.netfoldError = QString::fromUtf8(e.what());
    }
    return run;
}

/// Evaluates a model file with netfold on random feeds (unknown dims become c.symbolicDim).
CaseRun runModelCase(const OrtCase& c, std::mt19937& rng, QJsonObject& feeds)
{
    CaseRun run{c, {}, {}, {}};
    try {
        const Model m = openModel(modelPath(c.modelFile).toStdString());
        std::map<std::string, TensorPtr> values;
        for (const auto& input : m.graph.inputs) {
            if (m.graph.findInitializer(input.name))
                continue;
            QString spec = QString::fromStdString(dtypeName(input.type.elemType)) + "[";
            for (std::size_t i = 0; i < input.type.dims.size(); ++i)
                spec += (i ? "," : "")
                        + QString::number(input.type.dims[i].known() ? input.type.dims[i].value : c.symbolicDim);
            values[input.name] = randomTensor(spec + "]", rng);
            feeds[QString::fromStdString(input.name)] = tensorJson(*values[input.name]);
        }
        const auto outputs = evaluateGraph(m, m.graph, values);
        for (const auto& o : m.graph.outputs) {
            run.outputNames.push_back(QString::fromStdString(o.name));
            run.netfold.push_back(outputs.at(o.name));
        }
    } catch (const Error& e) {
        run.netfoldError = QString::fromUtf8(e.what());
    }
    return run;
}

} // namespace

// ---- OrtComparison -------------------------------------------------------------------------------------

void OrtComparison::run(const std::function<std::vector<OrtCase>()>& makeCases)
{
    test::requireOrt(m_dir);
    if (QTest::currentTestFailed())
        return;
    const std::vector<OrtCase> cases = makeCases();
    QElapsedTimer timer;
    timer.start();
    QJsonArray manifest;
    int index = 0;
    const QString only = qEnvironmentVariable("NETFOLD_ORT_CASES"); // a substring to run a subset while debugging
    for (const OrtCase& c : cases) {
        if (c.sweepOnly || (!only.isEmpty() && !c.name.contains(only)))
            continue;
        const unsigned k = m_options.seedByName ? static_cast<unsigned>(qHash(c.name) % 100000u)
                                                : static_cast<unsigned>(index);
        std::mt19937 rng(m_options.seedBase + k);
        const QString casePath = m_dir.filePath(QString("case%1.onnx").arg(index++));
        QJsonObject feeds;
        CaseRun run = c.modelFile.isEmpty() ? runNodeCase(c, rng, casePath, feeds) : runModelCase(c, rng, feeds);
        const QString model = c.modelFile.isEmpty() ? casePath : modelPath(c.modelFile);
        manifest.append(QJsonObject{{"name", c.name}, {"model", model}, {"inputs", feeds}});
        m_runs.push_back(std::move(run));
    }
    const qint64 netfoldMs = timer.restart();
    const QString manifestPath = m_dir.filePath("manifest.json"), resultsPath = m_dir.filePath("results.json");
    QFile f(manifestPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(QJsonObject{{"cases", manifest}}).toJson(QJsonDocument::Compact));
    f.close();
    const test::ProcessResult r = test::runOrtScript("eval_many.js", {manifestPath, resultsPath});
    QVERIFY2(r.exitCode == 0, qPrintable("eval_many.js failed: " + r.err + r.out));
    QFile results(resultsPath);
    QVERIFY(results.open(QIODevice::ReadOnly));
    m_results = QJsonDocument::fromJson(results.readAll()).object();
    qInfo("%d cases: netfold %lld ms, ONNX Runtime (one node process) %lld ms", int(m_runs.size()), netfoldMs,
          timer.elapsed());
}

void OrtComparison::addRows() const
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        QTest::newRow(qPrintable(m_runs[i].spec.name)) << int(i);
}

bool OrtComparison::ortLacksKernel(const QString& error) const
{
    return error.contains("NOT_IMPLEMENTED") || error.contains("Could not find an implementation")
           || (m_options.ortMayLackDouble && error.contains("does not support double"));
}

void OrtComparison::compare()
{
    QFETCH(int, index);
    const CaseRun& run = m_runs.at(std::size_t(index));
    const QJsonObject result = m_results[run.spec.name].toObject();
    const QString ortError = result["ok"].toBool() ? QString() : result["error"].toString();
    if (run.spec.bothFail) {
        QVERIFY2(!run.netfoldError.isEmpty(), "netfold did not fail");
        QVERIFY2(run.netfoldError.startsWith("Cannot evaluate node 'node' (" + run.spec.op + "): "),
                 qPrintable(run.netfoldError));
        QVERIFY2(!ortError.isEmpty(), "ONNX Runtime did not fail");
        return;
    }
    if (ortLacksKernel(ortError)) {
        ++m_skipped;
        QVERIFY2(run.netfoldError.isEmpty(), qPrintable(run.netfoldError));
        QSKIP(qPrintable("ONNX Runtime has no kernel (netfold ran it): " + ortError));
    }
    QVERIFY2(ortError.isEmpty(), qPrintable("ONNX Runtime failed: " + ortError + " (netfold: "
                                            + (run.netfoldError.isEmpty() ? "ok" : run.netfoldError) + ")"));
    QVERIFY2(run.netfoldError.isEmpty(), qPrintable(run.netfoldError));
    const QJsonObject outputs = result["outputs"].toObject();
    QCOMPARE(std::size_t(outputs.size()), run.netfold.size());
    for (std::size_t i = 0; i < run.netfold.size(); ++i) {
        const TensorPtr expected = tensorFromJson(outputs[run.outputNames[i]].toObject());
        const bool half = expected->dtype() == dtype::Float16;
        const double rtol = run.spec.rtol >= 0 ? run.spec.rtol : half ? 4e-3 : 1e-4;
        const double atol = run.spec.atol >= 0 ? run.spec.atol : half ? 2e-3 : 1e-5;
        const QString diff = compareTensors(*expected, *run.netfold[i], rtol, atol);
        QVERIFY2(diff.isEmpty(), qPrintable("output " + run.outputNames[i] + ": " + diff));
    }
}

void OrtComparison::logSkipped() const
{
    qInfo("%d of %d cases skipped because ONNX Runtime has no kernel for them", m_skipped, int(m_runs.size()));
}

} // namespace netfold::evaltest
