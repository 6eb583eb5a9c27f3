// Inspector and TensorView: what a node and a value show, the links and their signals, the
// lazy values table (axes, slices, ranks 0..4, empty tensors), copy, .npy export checked
// against numpy, and a 100 MB tensor that opens at once with statistics arriving later.
#include "TestModels.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "HistogramWidget.h"
#include "Inspector.h"
#include "TensorTableModel.h"
#include "TensorView.h"

#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <onnx/onnx_pb.h>

#include <QtTest>

#include <QLabel>
#include <QLineEdit>

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>

#include <cmath>
#include <cstring>
#include <map>

using namespace netfold;
using namespace netfold::test;

namespace {

const Model& model(const QString& file) { return cachedModel(file); }

NodeId nodeNamed(const Graph& g, const std::string& name)
{
    for (const Node& n : g.nodes)
        if (n.name == name)
            return n.id;
    return kNoNode;
}

TensorPtr initializer(const QString& file, const std::string& name)
{
    const Initializer* init = model(file).graph.findInitializer(name);
    return init ? init->tensor : nullptr;
}

struct Npy {
    QString descr;
    bool fortran = true;
    QList<qint64> shape;
    QString comment;
    QByteArray data;
    int headerTotal = 0;
};

/// Parses an NPY 1.0 file by hand (independently of the writer).
bool parseNpy(const QString& path, Npy& out)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray all = f.readAll();
    if (all.size() < 10 || all.left(6) != QByteArray("\x93NUMPY", 6) || all[6] != 1 || all[7] != 0)
        return false;
    const int len = static_cast<uchar>(all[8]) | (static_cast<uchar>(all[9]) << 8);
    out.headerTotal = 10 + len;
    const QString header = QString::fromLatin1(all.mid(10, len));
    if (!header.endsWith('\n') || all.size() < 10 + len)
        return false;
    QRegularExpression re(R"(^\{'descr': '([^']+)', 'fortran_order': (True|False), 'shape': \(([^)]*)\), \}(.*)\n$)",
                          QRegularExpression::DotMatchesEverythingOption);
    const auto m = re.match(header);
    if (!m.hasMatch())
        return false;
    out.descr = m.captured(1);
    out.fortran = m.captured(2) == "True";
    for (const QString& d : m.captured(3).split(',', Qt::SkipEmptyParts))
        out.shape << d.trimmed().toLongLong();
    out.comment = m.captured(4).trimmed();
    out.data = all.mid(10 + len);
    return true;
}

bool havePythonNumpy()
{
    static const int ok = run("/usr/bin/python3", {"-c", "import numpy"}, 60000).exitCode == 0 ? 1 : 0;
    return ok == 1;
}

} // namespace

class TestUiInspector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void nodeConv();
    void nodeSymbolicDims();
    void nodeLinksEmit();
    void clickLink();
    void subgraphLink();
    void tensorLinkOpensView();
    void statusNote();
    void valueInitializer();
    void valueConstant();
    void valueIntermediate();
    void opsetFallback();
    void newerOpSignature();
    void customDomain();
    void inferenceNote();
    void clearShowsPrompt();
    void tableAxesAndSlices();
    void lowPrecisionTensorView();
    void tableRanks_data();
    void tableRanks();
    void tableWrap();
    void copySelection();
    void npyRoundTrip_data();
    void npyRoundTrip();
    void npyNumpyLoads();
    void missingExternalData();
    void bigTensorOpensAtOnce();
};

void TestUiInspector::initTestCase()
{
    QVERIFY(QFile::exists(dataPath("seed_static.onnx")));
}

void TestUiInspector::nodeConv()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    const NodeId conv = nodeNamed(m.graph, "/conv1/Conv");
    insp.showNode(m, m.graph, conv);
    QCOMPARE(insp.currentNode(), conv);
    const QString text = insp.plainText();
    for (const char* want : {"Conv", "/conv1/Conv", "ai.onnx", "15", "kernel_shape", "[3, 3]", "pads", "[1, 1, 1, 1]",
                             "strides", "dilations", "group", "input0", "float[1,3,64,64]", "graph input", "onnx::Conv_35",
                             "float[16,3,3,3]", "initializer", "onnx::Conv_36", "float[16]", "/conv1/Conv_output_0",
                             "float[1,16,64,64]", "/act1/Relu", "DOCUMENTATION", "Conv-11", "convolution operator"})
        QVERIFY2(text.contains(QLatin1String(want)), want);
    // Schema names label the inputs: X, W, B and Y.
    QVERIFY(text.contains(QRegularExpression("\\bX\\b")));
    QVERIFY(text.contains(QRegularExpression("\\bW\\b")));
    QVERIFY(!insp.currentTensor());
}

void TestUiInspector::nodeSymbolicDims()
{
    const Model& m = model("seed_dynamic.onnx");
    Inspector insp;
    insp.showNode(m, m.graph, nodeNamed(m.graph, "/conv1/Conv"));
    const QString text = insp.plainText();
    QVERIFY2(text.contains("float[batch,3,64,64]"), qPrintable(text));
    QVERIFY(text.contains("float[batch,16,64,64]"));
    insp.showNode(m, m.graph, nodeNamed(m.graph, "/head/Gemm"));
    QVERIFY(insp.plainText().contains("float[batch,10]"));
    QVERIFY(insp.plainText().contains("graph output"));
}

void TestUiInspector::nodeLinksEmit()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    insp.setOpensTensorWindows(false);
    const NodeId conv = nodeNamed(m.graph, "/conv1/Conv");
    const NodeId relu = nodeNamed(m.graph, "/act1/Relu");
    insp.showNode(m, m.graph, relu);
    const QStringList links = insp.links();
    QVERIFY2(links.contains(QString("node:%1").arg(conv)), qPrintable(links.join(' ')));
    QVERIFY(links.contains("value:/conv1/Conv_output_0"));
    QVERIFY(links.contains(QString("node:%1").arg(nodeNamed(m.graph, "/conv2/Conv"))));

    QSignalSpy nodes(&insp, &Inspector::nodeActivated);
    QSignalSpy values(&insp, &Inspector::valueActivated);
    QSignalSpy tensors(&insp, &Inspector::tensorRequested);
    QVERIFY(insp.activateLink(QString("node:%1").arg(conv)));
    QCOMPARE(nodes.count(), 1);
    QCOMPARE(nodes.at(0).at(0).value<NodeId>(), conv);
    QVERIFY(insp.activateLink("value:/act1/Relu_output_0"));
    QCOMPARE(values.count(), 1);
    QCOMPARE(values.at(0).at(0).toString(), QString("/act1/Relu_output_0"));
    QVERIFY(!insp.activateLink("node:99999"));

    insp.showNode(m, m.graph, conv);
    QVERIFY(insp.activateLink("tensor:onnx::Conv_35"));
    QCOMPARE(tensors.count(), 1);
    QCOMPARE(tensors.at(0).at(0).toString(), QString("onnx::Conv_35"));
    QCOMPARE(tensors.at(0).at(1).value<TensorPtr>(), initializer("seed_static.onnx", "onnx::Conv_35"));
    QVERIFY(!insp.lastTensorWindow());
}

void TestUiInspector::clickLink()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    insp.resize(360, 700);
    insp.show();
    QVERIFY(QTest::qWaitForWindowExposed(&insp));
    const NodeId relu = nodeNamed(m.graph, "/act1/Relu");
    insp.showNode(m, m.graph, relu);
    const int producer = insp.links().indexOf(QString("node:%1").arg(nodeNamed(m.graph, "/conv1/Conv")));
    QVERIFY(producer >= 0);
    QSignalSpy nodes(&insp, &Inspector::nodeActivated);
    QVERIFY(clickAnchor(insp.browser(), QString("nf:%1").arg(producer)));
    QTRY_COMPARE(nodes.count(), 1);
    QCOMPARE(nodes.at(0).at(0).value<NodeId>(), nodeNamed(m.graph, "/conv1/Conv"));
}

void TestUiInspector::subgraphLink()
{
    const Model& m = model("if_model.onnx");
    Inspector insp;
    const NodeId ifNode = nodeNamed(m.graph, "if0");
    insp.showNode(m, m.graph, ifNode);
    const QString text = insp.plainText();
    QVERIFY(text.contains("then_branch"));
    QVERIFY(text.contains("else_branch"));
    QVERIFY(text.contains("node"));
    QSignalSpy spy(&insp, &Inspector::openSubgraph);
    QVERIFY2(insp.activateLink(QString("subgraph:%1:then_branch").arg(ifNode)), qPrintable(insp.links().join(' ')));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<NodeId>(), ifNode);
    QCOMPARE(spy.at(0).at(1).toString(), QString("then_branch"));
    // The condition comes from a Constant: its value is shown inline.
    QVERIFY(text.contains("cond"));
    QVERIFY(text.contains("true"));

    // A node inside the then-branch reads outer-scope X.
    const Graph& then = *m.graph.findNode(ifNode)->subgraphs.at(0).graph;
    insp.showNode(m, then, then.nodes.at(0).id);
    QVERIFY(insp.plainText().contains("enclosing graph") || insp.plainText().contains("initializer"));
}

void TestUiInspector::tensorLinkOpensView()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    insp.showNode(m, m.graph, nodeNamed(m.graph, "/conv2/Conv"));
    QVERIFY(insp.activateLink("tensor:onnx::Conv_38"));
    QPointer<TensorView> view = insp.lastTensorWindow();
    QVERIFY(view);
    QVERIFY(view->isWindow());
    QCOMPARE(view->tensor(), initializer("seed_static.onnx", "onnx::Conv_38"));
    QCOMPARE(view->name(), QString("onnx::Conv_38"));
    QTRY_VERIFY(view->statisticsReady());
    // Asking again for the same tensor raises the same window.
    QVERIFY(insp.activateLink("tensor:onnx::Conv_38"));
    QCOMPARE(insp.lastTensorWindow(), view.data());
    view->close();
    QTRY_VERIFY(!view);
}

void TestUiInspector::statusNote()
{
    const Model& m = model("seed_dynamic.onnx");
    Inspector insp;
    const NodeId shape = nodeNamed(m.graph, "/Shape");
    insp.showNode(m, m.graph, shape);
    insp.setStatusNote("Kept: input '/act2/Relu_output_0' has a dynamic dim 'batch'.");
    QCOMPARE(insp.statusNote(), QString("Kept: input '/act2/Relu_output_0' has a dynamic dim 'batch'."));
    QVERIFY(insp.plainText().contains("has a dynamic dim 'batch'"));
    // The note sits under the header, above the properties.
    QVERIFY(insp.plainText().indexOf("dynamic dim") < insp.plainText().indexOf("/Shape"));
    insp.showNode(m, m.graph, shape);
    QVERIFY(insp.statusNote().isEmpty());
    QVERIFY(!insp.plainText().contains("dynamic dim"));
}

void TestUiInspector::valueInitializer()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    insp.setOpensTensorWindows(false);
    insp.show();
    insp.showValue(m, m.graph, "onnx::Conv_35");
    QCOMPARE(insp.currentValue(), QString("onnx::Conv_35"));
    const QString text = insp.plainText();
    for (const char* want : {"onnx::Conv_35", "initializer", "float[16,3,3,3]", "432", "1.7 KB", "raw_data", "/conv1/Conv"})
        QVERIFY2(text.contains(QLatin1String(want)), want);
    QCOMPARE(insp.currentTensor(), initializer("seed_static.onnx", "onnx::Conv_35"));
    auto* button = insp.findChild<QPushButton*>();
    QVERIFY(button && button->isVisible());
    QSignalSpy spy(&insp, &Inspector::tensorRequested);
    button->click();
    QCOMPARE(spy.count(), 1);
}

void TestUiInspector::valueConstant()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    insp.showValue(m, m.graph, "/Constant_3_output_0");
    const QString text = insp.plainText();
    QVERIFY(text.contains("constant"));
    QVERIFY(text.contains("int64[1]"));
    QVERIFY2(text.contains("[-1]"), qPrintable(text));
    QVERIFY(insp.currentTensor());
    QCOMPARE(insp.currentTensor()->intAt(0), int64_t(-1));
    // The Constant node itself offers its value too.
    insp.showNode(m, m.graph, nodeNamed(m.graph, "/Constant_3"));
    QVERIFY(insp.currentTensor());
    QVERIFY(insp.plainText().contains("int64[1]"));
    QVERIFY2(insp.links().contains("tensor:/Constant_3.value"), qPrintable(insp.links().join(' ')));
    QVERIFY(insp.plainText().contains("[-1]"));
}

void TestUiInspector::valueIntermediate()
{
    const Model& m = model("seed_dynamic.onnx");
    Inspector insp;
    insp.showValue(m, m.graph, "/act2/Relu_output_0");
    const QString text = insp.plainText();
    QVERIFY(text.contains("intermediate"));
    QVERIFY(text.contains("float[batch,64,64,64]") || text.contains("float[batch,64,"));
    QVERIFY(text.contains("/act2/Relu"));
    QVERIFY(text.contains("/Shape"));
    QVERIFY(text.contains("/Reshape"));
    QVERIFY(!insp.currentTensor());
    insp.showValue(m, m.graph, "input0");
    QVERIFY(insp.plainText().contains("graph input"));
    QVERIFY(insp.plainText().contains("float[batch,3,64,64]"));
}

void TestUiInspector::opsetFallback()
{
    const Model& m = model("opset21.onnx");
    Inspector insp;
    insp.showNode(m, m.graph, nodeNamed(m.graph, "add0"));
    const QString text = insp.plainText();
    QVERIFY2(text.contains("up to opset 17"), qPrintable(text));
    QVERIFY(text.contains("opset 21"));
    QVERIFY(text.contains("Add-14"));
    QVERIFY(text.contains("21"));
}

void TestUiInspector::newerOpSignature()
{
    // Split-18 and Attention-23 are newer than ONNX 1.12: the signature comes from netfold's table.
    const Model& m = model("opsets/ops/Split18_num_outputs.onnx");
    Inspector insp;
    insp.showNode(m, m.graph, m.graph.nodes.at(0).id);
    QString text = insp.plainText();
    QVERIFY2(text.contains("Split-18"), qPrintable(text));
    QVERIFY(text.contains("num_outputs : int"));
    QVERIFY(text.contains("split (optional"));
    QVERIFY(text.contains("equal parts"));
    QVERIFY(!text.contains("newest version ONNX 1.12 has"));
    QVERIFY(!text.contains("has no schema"));
    QVERIFY(text.contains("float[2,3]")); // Y0, inferred
    const Model& a = model("opsets/ops/Attention23_3d.onnx");
    insp.showNode(a, a.graph, a.graph.nodes.at(0).id);
    text = insp.plainText();
    QVERIFY2(text.contains("Attention-23"), qPrintable(text));
    QVERIFY(text.contains("q_num_heads : int"));
    QVERIFY(text.contains("attn_mask (optional)"));
    QVERIFY(!text.contains("has no schema"));
    // An op that did not change keeps ONNX 1.12's documentation with the caveat (opsetFallback).
}

void TestUiInspector::customDomain()
{
    const Model& m = model("custom_domain.onnx");
    Inspector insp;
    insp.showNode(m, m.graph, nodeNamed(m.graph, "custom0"));
    const QString text = insp.plainText();
    QVERIFY(text.contains("MyOp"));
    QVERIFY(text.contains("com.example"));
    QVERIFY(text.contains("No ONNX schema"));
    QVERIFY(text.contains("alpha"));
    QVERIFY(text.contains("0.5"));
}

void TestUiInspector::inferenceNote()
{
    const Model& m = model("opsets/unknown_op23.onnx");
    const NodeId mean = nodeNamed(m.graph, "frob0");
    QVERIFY(m.graph.inferenceNotes.count(mean));
    Inspector insp;
    insp.showNode(m, m.graph, mean);
    QVERIFY(insp.plainText().contains("Shape inference", Qt::CaseInsensitive));
    QVERIFY(insp.plainText().contains(QString::fromStdString(m.graph.inferenceNotes.at(mean))));
}

void TestUiInspector::clearShowsPrompt()
{
    const Model& m = model("seed_static.onnx");
    Inspector insp;
    insp.showNode(m, m.graph, nodeNamed(m.graph, "/conv1/Conv"));
    insp.clear();
    QCOMPARE(insp.currentNode(), kNoNode);
    QVERIFY(insp.links().isEmpty());
    QVERIFY(insp.plainText().contains("Select a node"));
    insp.showNode(m, m.graph, 12345);
    QVERIFY(insp.plainText().contains("not in this graph"));
}

void TestUiInspector::lowPrecisionTensorView()
{
    // float8/int4 initializers open in the tensor view with their dtype, shape and values.
    const TensorPtr f8 = initializer("opsets/types_ir10.onnx", "f8e4m3fnuz_typed"); // codes 0, 1, 0x38, 0x7b, 0x80, 0xc4
    QVERIFY(f8);
    TensorView view;
    view.setTensor(f8, "f8e4m3fnuz_typed");
    QVERIFY(view.valuesReady());
    QVERIFY2(view.errorText().isEmpty(), qPrintable(view.errorText()));
    QStringList shown;
    for (int64_t i = 0; i < f8->numel(); ++i)
        shown << TensorTableModel::formatElement(*f8, i);
    QCOMPARE(shown, (QStringList{"0", "0.0009765625", "0.5", "176", "nan", "-1.5"}));
    TensorTableModel* mdl = view.tableModel();
    QStringList cells;
    for (int r = 0; r < mdl->rowCount(); ++r)
        for (int c = 0; c < mdl->columnCount(); ++c)
            cells << mdl->data(mdl->index(r, c)).toString();
    QCOMPARE(cells, shown);
    bool dtypeShown = false;
    for (auto* l : view.findChildren<QLabel*>())
        dtypeShown |= l->text() == "float8e4m3fnuz";
    for (auto* l : view.findChildren<QLineEdit*>())
        dtypeShown |= l->text() == "float8e4m3fnuz";
    QVERIFY(dtypeShown);
    const TensorPtr i4 = initializer("opsets/types_ir10.onnx", "i4_raw");
    view.setTensor(i4, "i4_raw");
    QVERIFY(view.valuesReady());
    QCOMPARE(TensorTableModel::formatElement(*i4, 1), QString("-8"));
    QCOMPARE(TensorTableModel::formatElement(*i4, 0), QString("7"));
}

void TestUiInspector::tableAxesAndSlices()
{
    const TensorPtr t = initializer("seed_static.onnx", "onnx::Conv_38"); // [64, 16, 5, 5]
    QVERIFY(t);
    TensorView view;
    view.setTensor(t, "onnx::Conv_38");
    QVERIFY(view.valuesReady()); // small: decoded at once
    TensorTableModel* mdl = view.tableModel();
    auto value = [mdl](int r, int c) { return mdl->data(mdl->index(r, c), TensorTableModel::ValueRole).toDouble(); };
    auto at = [&t](int64_t a, int64_t b, int64_t c, int64_t d) { return t->at(((a * 16 + b) * 5 + c) * 5 + d); };

    QCOMPARE(mdl->rowAxis(), 2);
    QCOMPARE(mdl->columnAxis(), 3);
    QCOMPARE(mdl->rowCount(), 5);
    QCOMPARE(mdl->columnCount(), 5);
    QCOMPARE(value(1, 4), at(0, 0, 1, 4));

    view.setSliceIndex(0, 7);
    view.setSliceIndex(1, 3);
    QCOMPARE(value(2, 3), at(7, 3, 2, 3));
    QCOMPARE(mdl->data(mdl->index(2, 3)).toString(), TensorTableModel::formatElement(*t, ((7 * 16 + 3) * 5 + 2) * 5 + 3));
    QCOMPARE(mdl->elementIndex(2, 3), (std::vector<int64_t>{7, 3, 2, 3}));
    QVERIFY(mdl->data(mdl->index(2, 3), Qt::ToolTipRole).toString().startsWith("[7, 3, 2, 3] = "));

    view.setAxes(0, 1); // out-channels down, in-channels across; kernel position sliced
    QCOMPARE(mdl->rowCount(), 64);
    QCOMPARE(mdl->columnCount(), 16);
    view.setSliceIndex(2, 4);
    view.setSliceIndex(3, 1);
    QCOMPARE(value(63, 15), at(63, 15, 4, 1));
    QCOMPARE(value(10, 2), at(10, 2, 4, 1));
    QCOMPARE(mdl->headerData(63, Qt::Vertical).toString(), QString("63"));

    view.setAxes(3, 0); // transposed view
    QCOMPARE(mdl->rowCount(), 5);
    QCOMPARE(mdl->columnCount(), 64);
    QCOMPARE(value(2, 40), at(40, 3, 4, 2));

    view.setAxes(1, -1); // one column
    QCOMPARE(mdl->rowCount(), 16);
    QCOMPARE(mdl->columnCount(), 1);
    QCOMPARE(value(5, 0), at(7, 5, 4, 1)); // axis 0 keeps its index 7

    view.setAxes(2, 2); // the same axis twice: no column axis
    QCOMPARE(mdl->rowAxis(), 2);
    QCOMPARE(mdl->columnAxis(), -1);

    // Slices are clamped to the axis size.
    view.setAxes(2, 3);
    view.setSliceIndex(0, 1000);
    QCOMPARE(mdl->sliceIndex(0), int64_t(63));
}

void TestUiInspector::tableRanks_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("columns");
    QTest::addColumn<QStringList>("cells"); // row-major texts of the first cells
    QTest::newRow("scalar") << "f32_scalar" << 1 << 1 << QStringList{"2.5"};
    QTest::newRow("rank1 f16") << "f16_typed" << 4 << 1 << QStringList{"1.5", "-3.25", "1024", "-0"};
    QTest::newRow("rank2 f16") << "f16_raw" << 2 << 3 << QStringList{"0", "1", "-2", "0.3333", "65504", "6e-08"};
    QTest::newRow("rank1 bf16") << "bf16_raw" << 5 << 1 << QStringList{"1", "-2.5", "3.14", "3.39e+38", "9e-41"};
    QTest::newRow("rank2 f32") << "f32_raw" << 2 << 2 << QStringList{"0.1", "-1e-30", "3.4028235e+38", "7"};
    QTest::newRow("empty") << "f32_empty" << 0 << 0 << QStringList{};
    QTest::newRow("f64") << "f64_typed" << 2 << 1 << QStringList{"3.141592653589793", "-0.5"};
    QTest::newRow("i64") << "i64_raw" << 3 << 1 << QStringList{"-9223372036854775808", "9223372036854775807", "-5"};
    QTest::newRow("u64") << "u64_raw" << 3 << 1 << QStringList{"0", "18446744073709551615", "9007199254740993"};
    QTest::newRow("i8") << "i8_raw" << 4 << 1 << QStringList{"-128", "-1", "0", "127"};
    QTest::newRow("bool") << "bool_typed" << 2 << 2 << QStringList{"false", "true", "true", "false"};
    QTest::newRow("string") << "str_typed" << 3 << 1 << QStringList{"hello", "", QString::fromUtf8("ünïcode ✓")};
    QTest::newRow("i64 scalar") << "i64_scalar" << 1 << 1 << QStringList{"-1"};
}

void TestUiInspector::tableRanks()
{
    QFETCH(QString, name);
    QFETCH(int, rows);
    QFETCH(int, columns);
    QFETCH(QStringList, cells);
    const TensorPtr t = initializer("fp16_bf16.onnx", name.toStdString());
    QVERIFY(t);
    TensorView view;
    view.setTensor(t, name);
    TensorTableModel* mdl = view.tableModel();
    QCOMPARE(mdl->rowCount(), rows);
    QCOMPARE(mdl->columnCount(), columns);
    QStringList got;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c)
            got << mdl->data(mdl->index(r, c)).toString();
    QCOMPARE(got, cells);
    QTRY_VERIFY(view.statisticsReady());
    QCOMPARE(view.statistics().count, t->numel());
}

void TestUiInspector::tableWrap()
{
    std::vector<double> values(3000);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<double>(i);
    const TensorPtr t = Tensor::fromDoubles(dtype::Int32, {3000}, values);
    TensorView view;
    view.setTensor(t, "ramp");
    TensorTableModel* mdl = view.tableModel();
    QCOMPARE(mdl->wrap(), 16); // long vectors are laid out 16 to a row
    QCOMPARE(mdl->columnCount(), 16);
    QCOMPARE(mdl->rowCount(), 188);
    QCOMPARE(mdl->data(mdl->index(2, 5)).toString(), QString("37"));
    QCOMPARE(mdl->headerData(2, Qt::Vertical).toString(), QString("32"));
    QCOMPARE(mdl->data(mdl->index(187, 7)).toString(), QString("2999"));
    QVERIFY(!mdl->data(mdl->index(187, 8)).isValid()); // past the end
    mdl->setWrap(1);
    QCOMPARE(mdl->rowCount(), 3000);
    QCOMPARE(mdl->columnCount(), 1);
    view.setAxes(-1, 0); // one row
    QCOMPARE(mdl->rowCount(), 1);
    QCOMPARE(mdl->columnCount(), 3000);
    QCOMPARE(mdl->data(mdl->index(0, 2999)).toString(), QString("2999"));
}

void TestUiInspector::copySelection()
{
    const TensorPtr t = initializer("seed_static.onnx", "onnx::Conv_38");
    TensorView view;
    view.setTensor(t, "w");
    view.setSliceIndex(0, 2);
    TensorTableModel* mdl = view.tableModel();
    QTableView* table = view.tableView();
    table->selectionModel()->select(QItemSelection(mdl->index(1, 1), mdl->index(2, 3)), QItemSelectionModel::ClearAndSelect);
    const QString text = view.copySelection();
    QString want;
    for (int r = 1; r <= 2; ++r) {
        QStringList line;
        for (int c = 1; c <= 3; ++c)
            line << TensorTableModel::formatElement(*t, ((2 * 16 + 0) * 5 + r) * 5 + c);
        want += line.join('\t') + '\n';
    }
    QCOMPARE(text, want);
    QCOMPARE(QApplication::clipboard()->text(), want);
    // Every copied number parses back to the float it came from.
    const QStringList first = text.split('\n').first().split('\t');
    QCOMPARE(first.first().toFloat(), static_cast<float>(t->at(((2 * 16 + 0) * 5 + 1) * 5 + 1)));

    // Two separate cells: the bounding box with the gap left empty.
    QItemSelection two;
    two.select(mdl->index(0, 0), mdl->index(0, 0));
    two.select(mdl->index(1, 2), mdl->index(1, 2));
    table->selectionModel()->select(two, QItemSelectionModel::ClearAndSelect);
    const QStringList lines = view.copySelection().split('\n');
    QCOMPARE(lines.at(0).split('\t').size(), 3);
    QVERIFY(lines.at(0).split('\t').at(2).isEmpty());
    QVERIFY(lines.at(1).split('\t').at(0).isEmpty());
    QVERIFY(!lines.at(1).split('\t').at(2).isEmpty());

    // Ctrl+C in the table copies too.
    QApplication::clipboard()->clear();
    table->selectionModel()->select(QItemSelection(mdl->index(0, 0), mdl->index(0, 1)), QItemSelectionModel::ClearAndSelect);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    table->setFocus();
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), mdl->cellText(0, 0) + '\t' + mdl->cellText(0, 1) + '\n');
}

void TestUiInspector::npyRoundTrip_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("descr");
    QTest::newRow("conv weight") << "seed_static.onnx" << "onnx::Conv_38" << "<f4";
    const QMap<QString, QString> descr{{"f16", "<f2"}, {"bf16", "<f4"}, {"f32", "<f4"}, {"f64", "<f8"}, {"i8", "|i1"},
                                       {"u8", "|u1"},  {"i16", "<i2"},  {"u16", "<u2"}, {"i32", "<i4"}, {"u32", "<u4"},
                                       {"i64", "<i8"}, {"u64", "<u8"},  {"bool", "|b1"}};
    for (const Initializer& init : model("fp16_bf16.onnx").graph.initializers) {
        const QString name = QString::fromStdString(init.name);
        const QString key = name.section('_', 0, 0);
        if (descr.contains(key))
            QTest::newRow(init.name.c_str()) << "fp16_bf16.onnx" << name << descr.value(key);
    }
    QTest::newRow("strings") << "fp16_bf16.onnx" << "str_typed" << "<U9";
}

void TestUiInspector::npyRoundTrip()
{
    QFETCH(QString, file);
    QFETCH(QString, name);
    QFETCH(QString, descr);
    const TensorPtr t = initializer(file, name.toStdString());
    QVERIFY(t);
    TensorView view;
    view.setTensor(t, name);
    QTemporaryDir dir;
    const QString path = dir.filePath("t.npy");
    QString error;
    QVERIFY2(view.saveNpy(path, &error), qPrintable(error));
    Npy npy;
    QVERIFY(parseNpy(path, npy));
    QCOMPARE(npy.headerTotal % 64, 0);
    QCOMPARE(npy.descr, descr);
    QVERIFY(!npy.fortran);
    QList<qint64> shape;
    for (int64_t d : t->dims())
        shape << d;
    QCOMPARE(npy.shape, shape);
    if (t->dtype() == dtype::BFloat16)
        QVERIFY(npy.comment.contains("bfloat16"));
    else
        QVERIFY(npy.comment.isEmpty());

    if (t->dtype() == dtype::String) {
        QCOMPARE(npy.data.size(), 3 * 9 * 4);
        const auto* u = reinterpret_cast<const char32_t*>(npy.data.constData());
        QCOMPARE(QString::fromUcs4(u, 5), QString("hello"));
        QCOMPARE(u[9], char32_t(0));
        QCOMPARE(QString::fromUcs4(u + 18, 9), QString::fromUtf8("ünïcode ✓"));
        return;
    }
    const std::size_t esize = t->dtype() == dtype::BFloat16 ? 4 : dtypeSize(t->dtype());
    QCOMPARE(static_cast<std::size_t>(npy.data.size()), static_cast<std::size_t>(t->numel()) * esize);
    if (t->dtype() == dtype::BFloat16) {
        for (int64_t i = 0; i < t->numel(); ++i) {
            float f;
            std::memcpy(&f, npy.data.constData() + i * 4, 4);
            QCOMPARE(static_cast<double>(f), t->at(i));
        }
    } else {
        QVERIFY(std::memcmp(npy.data.constData(), t->bytes().data(), t->byteSize()) == 0);
    }
}

void TestUiInspector::npyNumpyLoads()
{
    if (!havePythonNumpy())
        QSKIP("/usr/bin/python3 with numpy is not available");
    QTemporaryDir dir;
    QJsonArray expected;
    QStringList names;
    for (const Initializer& init : model("fp16_bf16.onnx").graph.initializers)
        names << QString::fromStdString(init.name);
    names << "f32_empty";
    TensorView view;
    for (const QString& name : names) {
        const TensorPtr t = initializer("fp16_bf16.onnx", name.toStdString());
        view.setTensor(t, name);
        QString error;
        QVERIFY2(view.saveNpy(dir.filePath(name + ".npy"), &error), qPrintable(error));
    }
    const TensorPtr w = initializer("seed_static.onnx", "onnx::Conv_38");
    view.setTensor(w, "w");
    QVERIFY(view.saveNpy(dir.filePath("w.npy")));

    const QString script = R"(
import json, sys, os, numpy
out = {}
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    a = numpy.load(os.path.join(d, f), allow_pickle=False)
    v = a.ravel().tolist() if a.dtype.kind != 'U' else [str(s) for s in a.ravel()]
    if a.dtype.kind in 'iu':
        v = [str(x) for x in v]
    out[f[:-4]] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'values': v}
print(json.dumps(out))
)";
    const ProcessResult r = run("/usr/bin/python3", {"-c", script, dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject all = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(all.size(), names.size());
    auto check = [&](const QString& name, const TensorPtr& t) {
        const QJsonObject o = all.value(name).toObject();
        QJsonArray shape;
        for (int64_t d : t->dims())
            shape.append(static_cast<qint64>(d));
        QCOMPARE(o.value("shape").toArray(), shape);
        const QJsonArray v = o.value("values").toArray();
        QCOMPARE(v.size(), static_cast<qsizetype>(t->numel()));
        for (int64_t i = 0; i < t->numel(); ++i) {
            const QJsonValue x = v.at(static_cast<qsizetype>(i));
            if (t->dtype() == dtype::String)
                QCOMPARE(x.toString(), QString::fromStdString(t->strings()[static_cast<std::size_t>(i)]));
            else if (isIntegerType(t->dtype()))
                QCOMPARE(x.toString(), TensorTableModel::formatElement(*t, i));
            else if (t->dtype() == dtype::Bool)
                QCOMPARE(x.toBool(), t->at(i) != 0);
            else
                QCOMPARE(x.toDouble(), t->at(i));
        }
    };
    for (const QString& name : names)
        check(name, initializer("fp16_bf16.onnx", name.toStdString()));
    check("w", w);
    QCOMPARE(all.value("f16_raw").toObject().value("dtype").toString(), QString("<f2"));
    QCOMPARE(all.value("bf16_raw").toObject().value("dtype").toString(), QString("<f4"));
    QCOMPARE(all.value("bool_raw").toObject().value("dtype").toString(), QString("|b1"));
}

void TestUiInspector::missingExternalData()
{
    const Model m = openModel(dataPath("bad/missing_external.onnx").toStdString());
    const Initializer* init = m.graph.findInitializer("W");
    QVERIFY(init);
    TensorView view;
    QSignalSpy failed(&view, &TensorView::failed);
    view.setTensor(init->tensor, "W");
    QCOMPARE(failed.count(), 1);
    QVERIFY(view.errorText().contains("does_not_exist.bin"));
    QVERIFY(!view.valuesReady());
    QVERIFY(view.copySelection().isNull());
    QString error;
    QVERIFY(!view.saveNpy(QDir::temp().filePath("never.npy"), &error));
    QVERIFY(!error.isEmpty());
    // The inspector describes it without reading it.
    Inspector insp;
    insp.showValue(m, m.graph, "W");
    QVERIFY(insp.plainText().contains("external file"));
    QVERIFY(insp.plainText().contains("does_not_exist.bin"));
}

void TestUiInspector::bigTensorOpensAtOnce()
{
    // 100 MB of float in raw_data: decoding and statistics must happen off the GUI thread.
    const int64_t n = 25 * 1000 * 1000;
    auto proto = std::make_shared<onnx::TensorProto>();
    proto->set_name("big");
    proto->set_data_type(onnx::TensorProto::FLOAT);
    proto->add_dims(5000);
    proto->add_dims(5000);
    std::string* raw = proto->mutable_raw_data();
    raw->resize(static_cast<std::size_t>(n) * 4);
    for (int64_t i = 0; i < n; ++i) {
        const float v = static_cast<float>(i % 1000) * 0.001f - 0.25f;
        std::memcpy(raw->data() + i * 4, &v, 4);
    }
    const TensorPtr t = std::make_shared<const Tensor>(proto, std::string());
    QVERIFY(!t->isDecoded());

    TensorView view;
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy stats(&view, &TensorView::statisticsFinished);
    QElapsedTimer timer;
    timer.start();
    view.setTensor(t, "big");
    const qint64 set = timer.elapsed();
    QVERIFY2(set < 100, qPrintable(QString("setTensor took %1 ms").arg(set)));
    QVERIFY(!view.statisticsReady());
    QVERIFY(!view.valuesReady());
    // The window keeps serving events while the worker decodes and computes: measure the
    // longest gap between ticks of a 10 ms timer (reported; the bound is loose for loaded machines).
    QElapsedTimer tick;
    tick.start();
    qint64 longest = 0;
    QTimer timerTick;
    connect(&timerTick, &QTimer::timeout, this, [&] {
        longest = std::max(longest, tick.restart());
    });
    timerTick.start(10);
    QCoreApplication::processEvents();
    view.repaint();
    qInfo("setTensor %lld ms; first event pass and paint done at %lld ms", set, timer.elapsed());
    QVERIFY(!view.statisticsReady());
    QCOMPARE(view.tableModel()->rowCount(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(view.statisticsReady(), 120000);
    timerTick.stop();
    qInfo("statistics after %lld ms; longest event loop gap meanwhile %lld ms", timer.elapsed(), longest);
    QVERIFY(longest < 1000);
    QCOMPARE(stats.count(), 1);
    QVERIFY(view.valuesReady());
    const TensorStats& s = view.statistics();
    QCOMPARE(s.count, n);
    QCOMPARE(s.finite, n);
    QCOMPARE(s.min, static_cast<double>(-0.25f));
    QCOMPARE(s.max, static_cast<double>(999 * 0.001f - 0.25f));
    QCOMPARE(view.histogram()->counts().size(), std::size_t(64));
    TensorTableModel* mdl = view.tableModel();
    QCOMPARE(mdl->data(mdl->index(1, 7), TensorTableModel::ValueRole).toDouble(), t->at(5007));

    // Switching away while a computation runs cancels it cleanly.
    auto proto2 = std::make_shared<onnx::TensorProto>(*proto);
    const TensorPtr t2 = std::make_shared<const Tensor>(proto2, std::string());
    view.setTensor(t2, "big2");
    view.setTensor(initializer("seed_static.onnx", "head.bias"), "head.bias");
    QTRY_VERIFY(view.statisticsReady());
    QCOMPARE(view.statistics().count, int64_t(10));
}

QTEST_MAIN(TestUiInspector)
#include "tst_ui_inspector.moc"
