// Screenshots of the inspector and the tensor view for a person to look at (not a test):
//   build/bench/inspector_shots tests/data OUT_DIR
#include "Inspector.h"
#include "TensorTableModel.h"
#include "TensorView.h"

#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QTableView>

#include <cstdio>
#include <map>

using namespace netfold;

namespace {

QString g_data;

const Model& model(const QString& file)
{
    static std::map<QString, Model> cache;
    auto it = cache.find(file);
    if (it == cache.end())
        it = cache.emplace(file, openModel(QDir(g_data).filePath(file).toStdString())).first;
    return it->second;
}

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

bool save(QWidget& w, const QString& path)
{
    QCoreApplication::processEvents();
    const bool ok = w.grab().save(path);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(path));
    return ok;
}

void waitForStatistics(TensorView& view)
{
    QElapsedTimer t;
    t.start();
    while (!view.statisticsReady() && t.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: inspector_shots DATA_DIR OUT_DIR\n");
        return 2;
    }
    g_data = QString::fromLocal8Bit(argv[1]);
    const QString dir = QString::fromLocal8Bit(argv[2]);
    QDir().mkpath(dir);
    bool ok = true;

    Inspector insp;
    insp.resize(380, 900);
    insp.show();
    const Model& m = model("seed_dynamic.onnx");
    insp.showNode(m, m.graph, nodeNamed(m.graph, "/conv1/Conv"));
    insp.setStatusNote("Kept: input 'input0' has a dynamic dim 'batch'.");
    ok &= save(insp, dir + "/inspector_node.png");
    insp.showValue(m, m.graph, "onnx::Conv_38");
    ok &= save(insp, dir + "/inspector_value.png");
    const Model& m21 = model("opset21.onnx");
    insp.showNode(m21, m21.graph, nodeNamed(m21.graph, "reshape0"));
    ok &= save(insp, dir + "/inspector_opset21.png");
    const Model& mif = model("if_model.onnx");
    insp.showNode(mif, mif.graph, nodeNamed(mif.graph, "if0"));
    ok &= save(insp, dir + "/inspector_if.png");

    TensorView view;
    view.resize(980, 620);
    view.show();
    view.setTensor(initializer("seed_static.onnx", "onnx::Conv_38"), "onnx::Conv_38");
    waitForStatistics(view);
    view.setSliceIndex(0, 3);
    view.tableView()->selectionModel()->select(QItemSelection(view.tableModel()->index(1, 1), view.tableModel()->index(2, 2)),
                                               QItemSelectionModel::ClearAndSelect);
    ok &= save(view, dir + "/tensorview.png");
    view.setTensor(initializer("seed_static.onnx", "head.weight"), "head.weight");
    waitForStatistics(view);
    ok &= save(view, dir + "/tensorview_2d.png");
    view.setTensor(initializer("fp16_bf16.onnx", "str_typed"), "str_typed");
    waitForStatistics(view);
    ok &= save(view, dir + "/tensorview_strings.png");
    return ok ? 0 : 1;
}
