// The app on hostile files (issue #11): opening a reproducer through the main window's load
// path gives the error dialog (or the graph, for files that are valid), never a crash, and a
// failed open keeps the model shown before.
#include "TestSupport.h"

#include "GraphScene.h"
#include "MainWindow.h"

#include <QtTest>

#include <QMessageBox>

using namespace netfold;
using namespace netfold::test;

class TestUiHostile : public QObject {
    Q_OBJECT
private slots:
    void openHostileFiles_data();
    void openHostileFiles();
};

void TestUiHostile::openHostileFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("loads");
    // Crashed before the fix: if_custom_branch (SIGSEGV in ONNX inference), reshape_raw5,
    // gather_2p41x2p20, depth_to_space_2p32 (SIGFPE); the passwd one showed a graph whose
    // weights were /etc/passwd.
    QTest::newRow("if_custom_branch") << "if_custom_branch.onnx" << true;
    QTest::newRow("depth_to_space_2p32") << "depth_to_space_2p32.onnx" << true;
    QTest::newRow("loop_forever") << "loop_forever.onnx" << true;
    QTest::newRow("reshape_raw5") << "reshape_raw5.onnx" << false;
    QTest::newRow("reshape_raw9") << "reshape_raw9.onnx" << false;
    QTest::newRow("propagate_raw25") << "propagate_raw25.onnx" << false;
    QTest::newRow("gather_2p41x2p20") << "gather_2p41x2p20.onnx" << false;
    QTest::newRow("ext_passwd") << "ext_passwd.onnx" << false;
    QTest::newRow("ext_dir") << "ext_dir.onnx" << false;
    QTest::newRow("control_chars") << "control_chars.onnx" << false;
}

void TestUiHostile::openHostileFiles()
{
    QFETCH(QString, file);
    QFETCH(bool, loads);
    MainWindow window;
    window.resize(1000, 700);
    window.show();
    QVERIFY(window.openFile(dataPath("seed_static.onnx")));
    QVERIFY(window.graphScene()->waitForLayout());
    const int before = window.graphScene()->nodeItems().size();
    const bool opened = window.openFile(dataPath("hostile/" + file));
    QCOMPARE(opened, loads);
    if (loads) {
        QVERIFY(window.lastError().isEmpty());
        QVERIFY(window.graphScene()->waitForLayout());
        QVERIFY(!window.graphScene()->nodeItems().isEmpty());
        return;
    }
    QVERIFY(!window.lastError().isEmpty());
    QVERIFY(!window.lastError().contains('\n'));
    QVERIFY(window.lastError().contains(file));
    auto* box = window.findChild<QMessageBox*>("loadErrorBox");
    QVERIFY(box);
    QCOMPARE(box->text(), window.lastError());
    QTRY_VERIFY(box->isVisible());
    box->accept();
    // The model shown before stays.
    QCOMPARE(window.graphScene()->nodeItems().size(), before);
}

QTEST_MAIN(TestUiHostile)
#include "tst_ui_hostile.moc"
