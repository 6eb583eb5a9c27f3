// The main window's simplification workflow: run to end on the sample, save the simplified
// model (byte-identical to netfold-cli's), save reports, verify, inspect why nodes were kept.
#include "ModelBuilder.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "Inspector.h"
#include "MainWindow.h"
#include "PassTimeline.h"
#include "SimplifySession.h"
#include "SummaryPanel.h"

#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pipeline.h"

#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTableWidget>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>

using namespace netfold;
using namespace netfold::test;

namespace {
QByteArray readAll(const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}
} // namespace

class TestUiSimplify : public QObject {
    Q_OBJECT
private slots:
    void runToEndAndSave();
    void reportNamesNodesKeptAtALimit_data();
    void reportNamesNodesKeptAtALimit();
    void committedPipelineIsStableWhileBusy();
    void neverSavesOverTheOriginal();
    void verifyShowsDifferences();
    void cancelStopsALongFold_data();
    void cancelStopsALongFold();
    void cancelBetweenStepsSaysWhereItStopped();
};

// Run to end (F5) on a model whose Expand is over the size limit: the saved reports (Markdown
// and JSON) name it as kept at a limit, with what stopped it, and so does the Passes panel,
// on screen in a 1280x800 and a 640x420 window.
void TestUiSimplify::reportNamesNodesKeptAtALimit_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("640x420") << QSize(640, 420);
}

void TestUiSimplify::reportNamesNodesKeptAtALimit()
{
    QFETCH(QSize, size);
    QTemporaryDir dir;
    const QString path = dir.filePath("big_expand.onnx");
    test::bigExpandModel().save(path.toStdString());
    MainWindow window;
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFile(path));
    QTest::keyClick(&window, Qt::Key_F5);
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), 60000);
    QVERIFY(window.session()->pipeline()->atFixedPoint());
    // The Passes panel says why the Expand is still there.
    auto* status = window.timeline()->findChild<QLabel*>("timelineStatus");
    QVERIFY(status);
    QVERIFY2(status->text().endsWith("(fixed point). 1 node not folded at a limit (the size limit below, or the "
                                     "fold's time cap), such as '/blk/Expand'; the Inspector says why."),
             qPrintable(status->text()));
    QVERIFY(status->isVisible());
    const QPoint corner = status->mapTo(&window, QPoint(0, 0));
    QVERIFY2(window.rect().contains(corner) && window.childAt(corner + QPoint(4, 4)) == status,
             qPrintable(QString("the status at %1,%2 is hidden in a %3x%4 window")
                            .arg(corner.x()).arg(corner.y()).arg(size.width()).arg(size.height())));
    QVERIFY(window.saveReport(dir.filePath("r.md")));
    const QString md = QString::fromUtf8(readAll(dir.filePath("r.md")));
    QVERIFY2(md.contains("## Not folded at a limit") && md.contains("- `/blk/Expand` (Expand): ")
                 && md.contains("output would be 4.0 MB, over the 1.5 MB limit."),
             qPrintable(md));
    QVERIFY(window.saveReport(dir.filePath("r.json")));
    const QJsonObject report = QJsonDocument::fromJson(readAll(dir.filePath("r.json"))).object();
    QCOMPARE(report.value("kept_at_limit").toArray().size(), 1);
    const QString idle = idleProblem();
    QVERIFY2(idle.isEmpty(), qPrintable(idle));
}

// A run to the end works on its own copy of the pipeline: what the GUI thread reads stays the
// committed state (position 0 here) until the whole run is handed over, however often the
// views look while it runs.
void TestUiSimplify::committedPipelineIsStableWhileBusy()
{
    SimplifySession session;
    Model model = openModel(dataPath("transformer_dyn.onnx").toStdString());
    session.setModel(std::make_shared<const Model>(std::move(model)));
    const Pipeline* before = session.pipeline();
    int progressSignals = 0;
    connect(&session, &SimplifySession::progress, this, [&] { ++progressSignals; });
    session.runToEnd();
    QVERIFY(session.busy());
    int looks = 0;
    while (session.busy()) {
        QCOMPARE(session.pipeline(), before);
        QCOMPARE(session.pipeline()->position(), std::size_t(0));
        QCOMPARE(session.pipeline()->steps().size(), std::size_t(0));
        ++looks;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    QVERIFY(looks > 0);
    QVERIFY(progressSignals > 0);
    QVERIFY(session.pipeline()->position() > 0);
    QVERIFY(session.pipeline()->atFixedPoint());
}

void TestUiSimplify::runToEndAndSave()
{
    QTemporaryDir dir;
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.openFile(dataPath("seed_static.onnx")));
    QVERIFY(!window.isComparing());
    window.timeline()->runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), 60000);
    QVERIFY(window.session()->pipeline()->atFixedPoint());
    QVERIFY(window.isComparing());
    QCOMPARE(window.compareView()->rightModel()->graph.nodes.size(), std::size_t(8));
    QVERIFY(window.compareView()->rightView()->graphScene()->waitForLayout());

    // The saved model is byte-identical to netfold-cli simplify's output.
    const QString gui = dir.filePath("gui.onnx");
    const QString cli = dir.filePath("cli.onnx");
    QVERIFY2(window.saveSimplified(gui), qPrintable(window.lastError()));
    QCOMPARE(runCli({"simplify", dataPath("seed_static.onnx"), cli}).exitCode, 0);
    QCOMPARE(readAll(gui), readAll(cli));

    // Reports.
    QVERIFY(window.saveReport(dir.filePath("r.json")));
    const QJsonObject report = QJsonDocument::fromJson(readAll(dir.filePath("r.json"))).object();
    QCOMPARE(report.value("nodes_after").toInt(), 8);
    QVERIFY(window.saveReport(dir.filePath("r.md")));
    QVERIFY(readAll(dir.filePath("r.md")).contains("| **Nodes** | 15 | 8 |"));

    // The op-count summary.
    QTableWidget* counts = window.summaryPanel()->countsTable();
    QVERIFY(counts->rowCount() > 5);
    bool shapeRow = false;
    for (int r = 0; r < counts->rowCount(); ++r)
        if (counts->item(r, 0)->text() == "Shape") {
            shapeRow = true;
            QCOMPARE(counts->item(r, 1)->text(), QString("1"));
            QCOMPARE(counts->item(r, 2)->text(), QString("0"));
        }
    QVERIFY(shapeRow);

    // Selecting a kept node explains why it was not folded.
    NodeId conv = kNoNode;
    for (const auto& n : window.compareView()->rightModel()->graph.nodes)
        if (n.opType == "Conv")
            conv = n.id;
    window.compareView()->rightView()->graphScene()->selectNode(conv);
    QVERIFY2(window.inspector()->plainText().contains("computed at run time"), qPrintable(window.inspector()->plainText()));

    // Back to the original, then the single view.
    window.timeline()->resetAction()->trigger();
    QCOMPARE(window.session()->pipeline()->position(), std::size_t(0));
    window.showCompare(false);
    QVERIFY(!window.isComparing());
}

void TestUiSimplify::neverSavesOverTheOriginal()
{
    QTemporaryDir dir;
    const QString in = dir.filePath("in.onnx");
    QVERIFY(QFile::copy(dataPath("seed_static.onnx"), in));
    const QByteArray before = readAll(in);
    MainWindow window;
    QVERIFY(window.openFile(in));
    window.session()->runToEnd();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), 60000);
    QVERIFY(!window.saveSimplified(in));
    QVERIFY(window.lastError().contains("Refusing"));
    QCOMPARE(readAll(in), before);
}

void TestUiSimplify::verifyShowsDifferences()
{
    MainWindow window;
    QVERIFY(window.openFile(dataPath("seed_bn_stats.onnx")));
    window.session()->runToEnd();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), 60000);
    QSignalSpy spy(window.summaryPanel(), &SummaryPanel::verifyFinished);
    window.summaryPanel()->verify();
    QVERIFY(spy.wait(60000));
    QVERIFY(spy.takeFirst().at(0).toBool());
    QVERIFY(window.summaryPanel()->lastVerify().ran);
    QCOMPARE(window.summaryPanel()->verifyTable()->rowCount(), 1);

    MainWindow custom;
    QVERIFY(custom.openFile(dataPath("custom_domain.onnx")));
    QSignalSpy spy2(custom.summaryPanel(), &SummaryPanel::verifyFinished);
    custom.summaryPanel()->verify();
    QVERIFY(spy2.wait(60000));
    QVERIFY(!custom.summaryPanel()->lastVerify().ran);
    QVERIFY(!custom.summaryPanel()->lastVerify().blockers.empty());
}

void TestUiSimplify::cancelStopsALongFold_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("escape");
    QTest::newRow("1280x800, click") << QSize(1280, 800) << false;
    QTest::newRow("640x420, click") << QSize(640, 420) << false;
    QTest::newRow("640x420, Esc") << QSize(640, 420) << true;
}

// F5 on a model whose constant fold takes tens of seconds (a 65536-point DFT), then a mouse click
// on the timeline's Cancel (or Esc): the run stops within a second and a half, says so, and
// leaves the model as it was; the event loop goes idle. The button and the running text are in
// sight in the small window too: the widget under the button's centre is the button, and the
// text is not cut at the dock's edge.
void TestUiSimplify::cancelStopsALongFold()
{
    QFETCH(QSize, size);
    QFETCH(bool, escape);
    QTemporaryDir dir;
    const QString path = dir.filePath("slow_fold.onnx");
    test::slowFoldModel().save(path.toStdString());
    MainWindow window;
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFile(path));
    QToolButton* cancel = nullptr;
    for (QToolButton* b : window.timeline()->findChildren<QToolButton*>())
        if (b->defaultAction() == window.timeline()->cancelAction())
            cancel = b;
    QVERIFY(cancel && cancel->isVisible());
    QVERIFY(!cancel->isEnabled());

    QTest::keyClick(&window, Qt::Key_F5);
    QTRY_VERIFY(cancel->isEnabled());
    QTest::qWait(500); // into the fold
    QVERIFY(window.session()->busy());
    QStringList running;
    for (QLabel* l : window.timeline()->findChildren<QLabel*>())
        running << l->text();
    QVERIFY2(running.contains("Running... Cancel stops the step in progress."), qPrintable(running.join(" | ")));
    const QPoint centre = cancel->mapTo(&window, cancel->rect().center());
    QVERIFY2(window.childAt(centre) == cancel, qPrintable(QString("Cancel at %1,%2 is hidden in a %3x%4 window")
                                                              .arg(centre.x()).arg(centre.y())
                                                              .arg(window.width()).arg(window.height())));
    auto* scroll = window.findChild<QScrollArea*>("timelineScroll");
    QVERIFY(scroll);
    // Nothing of the timeline is off to the side; else name what holds it wider.
    QStringList wide;
    for (QWidget* w : window.timeline()->findChildren<QWidget*>())
        if (w->isVisible() && w->minimumSizeHint().width() > scroll->viewport()->width() - 20)
            wide << QString("%1(%2) %3").arg(w->metaObject()->className(), w->objectName()).arg(w->minimumSizeHint().width());
    QVERIFY2(scroll->horizontalScrollBar()->maximum() == 0,
             qPrintable(QString("%1 px wide, the dock shows %2: %3")
                            .arg(window.timeline()->width()).arg(scroll->viewport()->width()).arg(wide.join(", "))));
    QElapsedTimer clock;
    clock.start();
    if (escape)
        QTest::keyClick(&window, Qt::Key_Escape);
    else
        QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), 10000);
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString("%1 ms after Cancel").arg(clock.elapsed())));
    QVERIFY(!cancel->isEnabled());
    QCOMPARE(window.statusBar()->currentMessage(), QString(kCancelledStep));
    QStringList labels;
    for (QLabel* l : window.timeline()->findChildren<QLabel*>())
        labels << l->text();
    QVERIFY2(labels.contains(QString(kCancelledStep) + "\nNothing run yet (3 nodes). Press Step (F10) to run the next "
                                                       "pass that changes the model, or Run to end (F5)."),
             qPrintable(labels.join(" | ")));
    const auto after = window.session()->after();
    QCOMPARE(test::opCount(*after, "DFT"), 1);
    QCOMPARE(test::opCount(*after, "ConstantOfShape"), 1);
    QCOMPARE(test::idleProblem(), QString());
}

// Cancel while a run to the end is between steps: the steps done are kept and the session says
// where it stopped (before, it stopped without a word).
void TestUiSimplify::cancelBetweenStepsSaysWhereItStopped()
{
    SimplifySession session;
    session.setModel(std::make_shared<const Model>(openModel(dataPath("transformer_dyn.onnx").toStdString())));
    QSignalSpy failed(&session, &SimplifySession::failed);
    session.runToEnd();
    session.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!session.busy(), 60000);
    QVERIFY(!session.pipeline()->atFixedPoint());
    QCOMPARE(failed.size(), 1);
    const QString message = failed.first().at(0).toString();
    const QString said = session.pipeline()->position() == 0 && message == kCancelledStep
                             ? message // stopped inside the first step
                             : QString("Cancelled after step %1; Run to end (F5) goes on from there.")
                                   .arg(session.pipeline()->position());
    QCOMPARE(message, said);
}

QTEST_MAIN(TestUiSimplify)
#include "tst_ui_simplify.moc"
