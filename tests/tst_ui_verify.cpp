// The summary panel's Verify: the same check as `simplify --check` (sizes the original runs on,
// user-chosen input shapes, "cannot check" instead of a verdict when the original fails).
#include "TestSupport.h"

#include "SummaryPanel.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pipeline.h"

#include <QtTest>

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>

using namespace netfold;
using namespace netfold::test;

class TestUiVerify : public QObject {
    Q_OBJECT
private slots:
    void init();
    void symbolicLengthGetsSizesThatRun();
    void originalFailingIsNotAVerdict();
    void badShapeIsRefused();
    void countsIncludeBodies();
    void cancelButtonStopsAVerification();

private:
    std::shared_ptr<const Model> m_before;
    std::shared_ptr<const Model> m_after;
};

void TestUiVerify::init()
{
    if (m_before)
        return;
    Model original = openModel(dataPath("real/melspectrogram.onnx").toStdString());
    Pipeline pipeline(original, PipelineOptions{});
    pipeline.runToFixedPoint();
    m_before = std::make_shared<const Model>(pipeline.original());
    m_after = std::make_shared<const Model>(pipeline.current());
}

// melspectrogram: input [batch_size, samples], first Conv 512 wide. Filling symbolic dims with 2
// used to report differing outputs.
void TestUiVerify::symbolicLengthGetsSizesThatRun()
{
    SummaryPanel panel;
    panel.setModels(m_before, m_after);
    QSignalSpy spy(&panel, &SummaryPanel::verifyFinished);
    panel.verify();
    QVERIFY(spy.wait(120000));
    QVERIFY(spy.takeFirst().at(0).toBool());
    QVERIFY(panel.lastVerify().ran);
    QVERIFY(panel.lastVerify().ok);
    QVERIFY(panel.lastVerify().inputShapes.at("input").at(1) >= 512);
    QCOMPARE(panel.verifyTable()->rowCount(), 1);
    bool said = false;
    for (QLabel* l : panel.findChildren<QLabel*>())
        said = said || l->text().contains("Same outputs on 3 random inputs (input[");
    QVERIFY(said);
}

void TestUiVerify::originalFailingIsNotAVerdict()
{
    SummaryPanel panel;
    panel.setModels(m_before, m_after);
    panel.verifyShapesEdit()->setText("input:1,100");
    QSignalSpy spy(&panel, &SummaryPanel::verifyFinished);
    panel.verify();
    QVERIFY(spy.wait(120000));
    QVERIFY(!spy.takeFirst().at(0).toBool());
    QVERIFY(!panel.lastVerify().ran);
    QVERIFY(panel.lastVerify().blockers.empty());
    QCOMPARE(panel.verifyTable()->rowCount(), 0); // no output row claims a difference
    bool said = false;
    for (QLabel* l : panel.findChildren<QLabel*>())
        said = said || l->text().contains("the original model fails on input input[1,100]");
    QVERIFY(said);
}

void TestUiVerify::badShapeIsRefused()
{
    SummaryPanel panel;
    panel.setModels(m_before, m_after);
    panel.verifyShapesEdit()->setText("input:1,2,3");
    QSignalSpy spy(&panel, &SummaryPanel::verifyFinished);
    panel.verify();
    QCOMPARE(spy.count(), 0); // refused before running
    bool said = false;
    for (QLabel* l : panel.findChildren<QLabel*>())
        said = said || (l->text().contains("Bad input shape") && l->text().contains("rank 2"));
    QVERIFY(said);
}

// silero_vad: 2 top-level nodes, 248 in If bodies; the table counts ops in bodies too.
void TestUiVerify::countsIncludeBodies()
{
    auto model = std::make_shared<const Model>(openModel(dataPath("real/silero_vad.onnx").toStdString()));
    SummaryPanel panel;
    panel.setModels(model, model);
    QTableWidget* counts = panel.countsTable();
    bool conv = false, total = false;
    for (int r = 0; r < counts->rowCount(); ++r) {
        if (counts->item(r, 0)->text() == "Conv")
            conv = counts->item(r, 1)->text() == "36";
        if (counts->item(r, 0)->text() == "Nodes with bodies")
            total = counts->item(r, 1)->text() == "250";
    }
    QVERIFY(conv);
    QVERIFY(total);
}

// A Loop that runs until the iteration cap (seconds): the button turns into Cancel while it runs,
// and a click on it stops the check soon after, reported as cancelled, never as a verdict.
void TestUiVerify::cancelButtonStopsAVerification()
{
    auto model = std::make_shared<const Model>(openModel(dataPath("hostile/loop_forever.onnx").toStdString()));
    SummaryPanel panel;
    panel.resize(400, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setModels(model, model);
    QPushButton* button = nullptr;
    for (QPushButton* b : panel.findChildren<QPushButton*>())
        if (b->text().startsWith("Verify"))
            button = b;
    QVERIFY(button);
    QSignalSpy spy(&panel, &SummaryPanel::verifyFinished);
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE(button->text(), QString("Cancel verification"));
    QTest::qWait(200);
    QVERIFY2(spy.isEmpty(), "finished before the cancel");
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(spy.wait(30000));
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString("%1 ms after Cancel").arg(clock.elapsed())));
    QVERIFY(!spy.takeFirst().at(0).toBool());
    QVERIFY(panel.lastVerify().cancelled);
    QCOMPARE(panel.verifyTable()->rowCount(), 0);
    bool said = false;
    for (QLabel* l : panel.findChildren<QLabel*>())
        said = said || l->text() == "Verification cancelled: nothing was compared.";
    QVERIFY(said);
    QCOMPARE(button->text(), QString("Verify on random inputs"));
    QVERIFY(button->isEnabled());
}

QTEST_MAIN(TestUiVerify)
#include "tst_ui_verify.moc"
