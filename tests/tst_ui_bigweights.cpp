// The tensor view of a 1 GB initializer in external data stays lazy (issue #14, item 6): the
// table reads the cells on screen from the file, the statistics stream the file in windows,
// and the tensor is never decoded, so the process's anonymous memory stays far below 1 GB.
// The data file is sparse (1 GiB, three values written), so the test costs no disk space.
#include "TensorTableModel.h"
#include "TensorView.h"
#include "TestSupport.h"

#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <onnx/onnx_pb.h>

#include <QtTest>

#include <QTableView>
#include <QTemporaryDir>

#include <atomic>
#include <fcntl.h>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace netfold;
using namespace netfold::test;

namespace {

constexpr int64_t kDim = 16384; // 16384 x 16384 float = 1 GiB

long long rssAnon()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("RssAnon:", 0) == 0)
            return std::atoll(line.c_str() + 8) * 1024;
    return -1;
}

bool putFloat(int fd, int64_t index, float v) { return ::pwrite(fd, &v, 4, index * 4) == 4; }

} // namespace

class TestUiBigWeights : public QObject {
    Q_OBJECT
private slots:
    void gigabyteInitializerStaysLazy();
};

void TestUiBigWeights::gigabyteInitializerStaysLazy()
{
    QTemporaryDir dir;
    const QString data = dir.filePath("w.bin");
    {
        const int fd = ::open(QFile::encodeName(data).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::ftruncate(fd, kDim * kDim * 4), 0);
        QVERIFY(putFloat(fd, 0, -3.5f));
        QVERIFY(putFloat(fd, 5007, 1.5f));
        QVERIFY(putFloat(fd, kDim * kDim - 1, 7.25f));
        QCOMPARE(::close(fd), 0);
    }
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(15);
    auto& g = *m.mutable_graph();
    g.set_name("big");
    auto* t = g.add_initializer();
    t->set_name("W");
    t->set_data_type(dtype::Float);
    t->add_dims(kDim);
    t->add_dims(kDim);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* e = t->add_external_data();
    e->set_key("location");
    e->set_value("w.bin");
    for (auto* v : {g.add_input(), g.add_output()}) {
        auto* tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(dtype::Float);
        tt->mutable_shape()->add_dim()->set_dim_param("batch");
        tt->mutable_shape()->add_dim()->set_dim_value(kDim);
    }
    g.mutable_input(0)->set_name("x");
    g.mutable_output(0)->set_name("y");
    auto* n = g.add_node();
    n->set_op_type("MatMul");
    n->add_input("x");
    n->add_input("W");
    n->add_output("y");
    {
        std::ofstream out(dir.filePath("big.onnx").toStdString(), std::ios::binary);
        QVERIFY(m.SerializeToOstream(&out));
    }
    const Model model = openModel(dir.filePath("big.onnx").toStdString());
    const TensorPtr w = model.graph.findInitializer("W")->tensor;
    QVERIFY(w->readsFromFile());

    // Before: the view decoded the whole tensor (RssAnon +1 GiB) before showing a value.
    const long long before = rssAnon();
    std::atomic<bool> stop{false};
    std::atomic<long long> peak{before};
    std::thread sampler([&] {
        while (!stop.load()) {
            peak.store(std::max(peak.load(), rssAnon()));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    TensorView view;
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setTensor(w, "W");
    QVERIFY2(view.errorText().isEmpty(), qPrintable(view.errorText()));
    QVERIFY(view.valuesReady()); // cells can be read at once, from the file
    TensorTableModel* mdl = view.tableModel();
    QCOMPARE(mdl->rowCount(), int(kDim));
    QCOMPARE(mdl->columnCount(), int(kDim));
    QCOMPARE(mdl->cellText(0, 0), QString("-3.5"));
    QCOMPARE(mdl->data(mdl->index(0, 5007), TensorTableModel::ValueRole).toDouble(), 1.5);
    QCOMPARE(mdl->cellText(0, 1), QString("0"));
    // Scroll to the far corner with the keyboard, as a user would.
    auto* table = view.findChild<QTableView*>();
    QVERIFY(table);
    table->setFocus();
    table->setCurrentIndex(mdl->index(0, 0));
    QTest::keyClick(table, Qt::Key_End, Qt::ControlModifier);
    QCOMPARE(table->currentIndex(), mdl->index(int(kDim) - 1, int(kDim) - 1));
    view.repaint();
    QCOMPARE(mdl->data(table->currentIndex(), Qt::DisplayRole).toString(), QString("7.25"));
    QTRY_VERIFY_WITH_TIMEOUT(view.statisticsReady(), 300000);
    stop.store(true);
    sampler.join();
    const TensorStats& s = view.statistics();
    QCOMPARE(s.count, kDim * kDim);
    QCOMPARE(s.min, -3.5);
    QCOMPARE(s.max, 7.25);
    QCOMPARE(s.zeros, kDim * kDim - 3);
    QVERIFY(!w->isDecoded());
    const long long grown = peak.load() - before;
    qInfo("RssAnon %lld MB before, peak %lld MB while viewing a 1 GiB initializer", before >> 20, peak.load() >> 20);
    QVERIFY2(grown < (128ll << 20), qPrintable(QString("anonymous memory grew by %1 MB").arg(grown >> 20)));
}

QTEST_MAIN(TestUiBigWeights)
#include "tst_ui_bigweights.moc"
