// The desktop-app conventions: --version and Help > About, settings that stay between runs,
// View > Reset Layout, the title's modified mark, and the prompt before an unsaved
// simplification is discarded (closing, File > Open Sample). Real clicks on real widgets.
#include "TestSupport.h"

#include "AboutDialog.h"
#include "AppSettings.h"
#include "BuildInfo.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "Palette.h"
#include "PassTimeline.h"
#include "SimplifySession.h"

#include "passes/Pipeline.h"

#include <QtTest>

#include <QAbstractButton>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QRegularExpression>
#include <QWindow>

#include <functional>

using namespace netfold;
using namespace netfold::test;

namespace {

QString appPath() { return QCoreApplication::applicationDirPath() + QStringLiteral("/../app/netfold"); }

/// Waits for the modal "unsaved simplification" box and clicks one of its buttons with the mouse.
/// *seen tells whether the box came.
void clickInDiscardBox(QMessageBox::StandardButton which, bool* seen)
{
    *seen = false;
    auto* poll = new QTimer;
    QElapsedTimer since;
    since.start();
    QObject::connect(poll, &QTimer::timeout, poll, [poll, which, seen, since] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (since.hasExpired(10000)) { // no box came: do not click one a later test opens
            poll->stop();
            poll->deleteLater();
            return;
        }
        if (!box || box->objectName() != QLatin1String("discardBox") || !box->isVisible())
            return;
        *seen = true;
        poll->stop();
        poll->deleteLater();
        QTest::mouseClick(box->button(which), Qt::LeftButton);
    });
    poll->start(20);
}

/// The menu action with this text (without '&') under the menu bar.
QAction* menuAction(MainWindow& window, const QString& menu, const QString& text)
{
    for (QAction* m : window.menuBar()->actions())
        if (m->text().remove('&') == menu && m->menu())
            for (QAction* a : m->menu()->actions())
                if (a->text().remove('&') == text)
                    return a;
    return nullptr;
}

/// The title the platform shows (with the modified mark resolved).
QString shownTitle(const MainWindow& window) { return window.windowHandle() ? window.windowHandle()->title() : QString(); }

/// Steps the session once and waits until the step is done.
bool stepOnce(MainWindow& window)
{
    window.session()->step();
    return QTest::qWaitFor([&] { return !window.session()->busy(); }, 60000);
}

} // namespace

class TestUiApp : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void versionOption();
    void aboutShowsVersions();
    void settingsAreRestored();
    void resetLayout();
    void titleMarksUnsavedSimplification();
    void closeAsksBeforeDiscarding();
    void openAsksBeforeDiscarding();
    void darkPaletteAndGraphStyle();
};

void TestUiApp::initTestCase()
{
    // Settings go to a throw-away place, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("netfold-test");
    QCoreApplication::setApplicationName("tst_ui_app");
    QSettings().clear();
}

void TestUiApp::versionOption()
{
    // Both programs answer --version without a display.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.remove("QT_QPA_PLATFORM");
    for (const QString& program : {appPath(), qEnvironmentVariable("NETFOLD_CLI")}) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(program, {"--version"});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        const QString name = QFileInfo(program).fileName();
        QCOMPARE(lines.value(0), QString("%1 %2 (commit %3)").arg(name, NETFOLD_VERSION, QString::fromStdString(gitCommit())));
        QStringList components;
        for (const QString& l : lines.mid(1))
            components << l.trimmed().section(' ', 0, 0);
        if (name == "netfold")
            QCOMPARE(components, QStringList({"Qt", "ONNX", "protobuf", "Graphviz"}));
        else
            QCOMPARE(components, QStringList({"ONNX", "protobuf", "Graphviz"}));
    }

    // Built from a checkout: the commit is one of the checkout's (HEAD, or before it when
    // commits came after the build).
    const QString source = qEnvironmentVariable("NETFOLD_SOURCE_DIR");
    if (run("git", {"-C", source, "rev-parse", "HEAD"}).exitCode == 0) {
        const QString commit = QString::fromStdString(gitCommit()).remove("-dirty");
        QVERIFY2(QRegularExpression("^[0-9a-f]{12}$").match(commit).hasMatch(), qPrintable(commit));
        QCOMPARE(run("git", {"-C", source, "merge-base", "--is-ancestor", commit, "HEAD"}).exitCode, 0);
    }
}

void TestUiApp::aboutShowsVersions()
{
    MainWindow window;
    window.show();
    QAction* about = menuAction(window, "Help", "About netfold");
    QVERIFY(about);
    about->trigger();
    auto* dialog = window.findChild<AboutDialog*>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));

    auto label = [dialog](const QString& name) {
        auto* l = dialog->findChild<QLabel*>(name);
        return l ? l->text() : QString("<no label %1>").arg(name);
    };
    QVERIFY(label("aboutTitle").contains(QString("netfold %1").arg(NETFOLD_VERSION)));
    QVERIFY(label("aboutCommit").contains(QString::fromStdString(gitCommit())));
    // Versions as other sources tell them: Qt's own, pkg-config's for the libraries.
    QCOMPARE(label("version_Qt"), QString(qVersion()));
    const ProcessResult gvc = run("pkg-config", {"--modversion", "libgvc"});
    const ProcessResult pb = run("pkg-config", {"--modversion", "protobuf"});
    if (gvc.exitCode == 0)
        QCOMPARE(label("version_Graphviz"), gvc.out.trimmed());
    if (pb.exitCode == 0)
        QCOMPARE(label("version_protobuf"), pb.out.trimmed());
    QVERIFY(QRegularExpression("^1\\.\\d+\\.\\d+$").match(label("version_ONNX")).hasMatch());

    // "Copy Version Info" puts what `netfold --version` prints on the clipboard.
    QApplication::clipboard()->clear();
    auto* copy = dialog->findChild<QPushButton*>("copyVersion");
    QVERIFY(copy);
    QTest::mouseClick(copy, Qt::LeftButton);
    const ProcessResult cli = run(appPath(), {"--version"});
    QCOMPARE(cli.exitCode, 0);
    // The only difference: the running app knows its platform plugin.
    QString copied = QApplication::clipboard()->text();
    copied.replace(QString(", platform %1").arg(QGuiApplication::platformName()), QString());
    QCOMPARE(copied, cli.out);
    dialog->close();
}

void TestUiApp::settingsAreRestored()
{
    QSettings().clear();
    QRect geometry;
    QList<int> splitterSizes;
    {
        MainWindow window;
        window.restoreSettings();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setGeometry(QRect(40, 30, 1000, 700));
        // Docks: the node list shown, the find panel floated away... by the View menu's toggles.
        QAction* nodes = menuAction(window, "View", "Nodes");
        QVERIFY(nodes);
        nodes->trigger();
        QVERIFY(window.findChild<QDockWidget*>("nodeDock")->isVisible());
        auto* split = window.timeline()->findChild<QSplitter*>("timelineSplitter");
        QVERIFY(split);
        QTRY_VERIFY(split->sizes().value(0) > 0);
        split->setSizes({50, 300, 100});
        splitterSizes = split->sizes();
        // The highlight mode, picked in its combo box with the keyboard.
        auto* scope = window.timeline()->findChild<QComboBox*>("highlightScope");
        QCOMPARE(scope->currentIndex(), 1);
        scope->setFocus();
        QTest::keyClick(scope, Qt::Key_Up);
        QCOMPARE(scope->currentIndex(), 0);
        // The size limit, typed and applied.
        auto* limit = window.timeline()->findChild<QDoubleSpinBox*>("sizeLimit");
        limit->selectAll();
        QTest::keyClicks(limit, "2.5");
        QTest::keyClick(limit, Qt::Key_Enter);
        QCOMPARE(limit->value(), 2.5);
        QPushButton* apply = nullptr;
        for (auto* b : window.timeline()->findChildren<QPushButton*>())
            if (b->text() == "Apply options")
                apply = b;
        QVERIFY(apply);
        QTest::mouseClick(apply, Qt::LeftButton);
        QCOMPARE(window.timeline()->newModelOptions().pass.sizeLimit, std::size_t(2.5 * 1024 * 1024));
        rememberDirectory(dataPath("seed_bn.onnx"));
        QTest::qWait(50);
        geometry = window.geometry();
        QVERIFY(window.close()); // nothing unsaved: no question, the settings are written
    }
    QCOMPARE(lastDirectory(), QFileInfo(dataPath("seed_bn.onnx")).absolutePath());

    MainWindow window;
    window.restoreSettings();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), geometry.size());
    QVERIFY(window.findChild<QDockWidget*>("nodeDock")->isVisible());
    QCOMPARE(window.timeline()->findChild<QComboBox*>("highlightScope")->currentIndex(), 0);
    QVERIFY(!window.timeline()->cumulative());
    QCOMPARE(window.timeline()->findChild<QDoubleSpinBox*>("sizeLimit")->value(), 2.5);
    auto* split = window.timeline()->findChild<QSplitter*>("timelineSplitter");
    QTRY_COMPARE(split->sizes(), splitterSizes);
    // A model opened now starts with the applied options.
    QVERIFY(window.openFile(dataPath("seed_bn.onnx")));
    QCOMPARE(window.session()->pipeline()->options().pass.sizeLimit, std::size_t(2.5 * 1024 * 1024));

    // Without restoreSettings() (tests, --screenshot) nothing is read or written.
    MainWindow fresh;
    QVERIFY(!fresh.findChild<QDockWidget*>("nodeDock")->isVisibleTo(&fresh));
    QVERIFY(fresh.timeline()->cumulative());
    QCOMPARE(fresh.timeline()->newModelOptions().pass.sizeLimit, PipelineOptions().pass.sizeLimit);
    window.close();
    QSettings().clear();
}

void TestUiApp::resetLayout()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* nodeDock = window.findChild<QDockWidget*>("nodeDock");
    auto* timelineDock = window.findChild<QDockWidget*>("timelineDock");
    QVERIFY(!nodeDock->isVisible());
    QVERIFY(timelineDock->isVisible());
    nodeDock->show();
    timelineDock->hide();
    window.resize(700, 500);
    QAction* reset = menuAction(window, "View", "Reset Layout");
    QVERIFY(reset);
    reset->trigger();
    QTRY_VERIFY(!nodeDock->isVisible());
    QVERIFY(timelineDock->isVisible());
    QTRY_COMPARE(window.size(), QSize(1280, 800));
}

void TestUiApp::titleMarksUnsavedSimplification()
{
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFile(dataPath("seed_bn.onnx")));
    QCOMPARE(shownTitle(window), QString("seed_bn.onnx - netfold"));
    QVERIFY(!window.isWindowModified());

    QVERIFY(stepOnce(window));
    QCOMPARE(window.session()->pipeline()->position(), std::size_t(1));
    QVERIFY(window.isWindowModified());
    QCOMPARE(shownTitle(window), QString("seed_bn.onnx* - netfold"));

    // Saved: no mark; another step: the mark again; back to the saved step: none.
    QVERIFY(window.saveSimplified(dir.filePath("s.onnx")));
    QVERIFY(!window.isWindowModified());
    QCOMPARE(shownTitle(window), QString("seed_bn.onnx - netfold"));
    QVERIFY(stepOnce(window));
    QVERIFY(window.isWindowModified());
    window.session()->back();
    QTRY_VERIFY(!window.session()->busy());
    QVERIFY(!window.isWindowModified());
    // Back to the original: nothing to save.
    window.session()->reset();
    QTRY_VERIFY(!window.session()->busy());
    QVERIFY(!window.isWindowModified());
    // Stepping to the saved step again: still saved (the pipeline keeps its steps).
    QVERIFY(stepOnce(window));
    QVERIFY(!window.isWindowModified());
    // A new model starts clean.
    QVERIFY(stepOnce(window));
    QVERIFY(window.isWindowModified());
    QVERIFY(window.openSample());
    QVERIFY(!window.isWindowModified());
    QCOMPARE(shownTitle(window), QString("sample-reshape.onnx - netfold"));
}

void TestUiApp::closeAsksBeforeDiscarding()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFile(dataPath("seed_bn.onnx")));

    // Nothing simplified: closes without asking.
    {
        MainWindow other;
        other.show();
        QVERIFY(other.openFile(dataPath("seed_bn.onnx")));
        QVERIFY(other.close());
    }

    QVERIFY(stepOnce(window));
    bool seen = false;
    clickInDiscardBox(QMessageBox::Cancel, &seen);
    QVERIFY(!window.close());
    QVERIFY(seen);
    QVERIFY(window.isVisible());
    QVERIFY(window.isWindowModified());

    clickInDiscardBox(QMessageBox::Discard, &seen);
    QVERIFY(window.close());
    QVERIFY(seen);
    QVERIFY(!window.isVisible());
}

void TestUiApp::openAsksBeforeDiscarding()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFile(dataPath("seed_bn.onnx")));
    QVERIFY(stepOnce(window));
    QAction* sample = menuAction(window, "File", "Open Sample");
    QVERIFY(sample);

    bool seen = false;
    clickInDiscardBox(QMessageBox::Cancel, &seen);
    sample->trigger();
    QVERIFY(seen);
    QCOMPARE(shownTitle(window), QString("seed_bn.onnx* - netfold"));
    QCOMPARE(window.session()->pipeline()->position(), std::size_t(1));

    clickInDiscardBox(QMessageBox::Discard, &seen);
    sample->trigger();
    QVERIFY(seen);
    QCOMPARE(shownTitle(window), QString("sample-reshape.onnx - netfold"));
    QVERIFY(!window.isWindowModified());
}

void TestUiApp::darkPaletteAndGraphStyle()
{
    QVERIFY(!isDarkPalette(QApplication::palette())); // offscreen starts light
    QVERIFY(isDarkPalette(darkPalette()));
    QCOMPARE(parseColorScheme(" Dark "), ColorScheme::Dark);
    QCOMPARE(parseColorScheme("light"), ColorScheme::Light);
    QCOMPARE(parseColorScheme("whatever"), ColorScheme::Auto);

    // The style file's dark variant: a dark background and light text; categories keep their ops.
    const GraphStyle& light = GraphStyle::standard(false);
    const GraphStyle& dark = GraphStyle::standard(true);
    QVERIFY(light.background.lightness() > 200);
    QVERIFY(dark.background.lightness() < 60);
    QVERIFY(dark.rowLabel.lightness() > 180);
    QCOMPARE(dark.categoryOf("Conv"), light.categoryOf("Conv"));
    QCOMPARE(dark.category(dark.categoryOf("Conv")).name, QString("layer"));
    QVERIFY(dark.category(dark.categoryOf("Conv")).title != light.category(light.categoryOf("Conv")).title);
    QCOMPARE(&GraphStyle::standard(), &light);

    // Asking for dark on a light platform switches the application over, and the graph with it.
    QVERIFY(applyColorScheme(*qApp, ColorScheme::Dark));
    QVERIFY(applicationIsDark());
    QCOMPARE(&GraphStyle::standard(), &dark);
    MainWindow window;
    QCOMPARE(window.graphView()->backgroundBrush().color(), dark.background);
    QVERIFY(!applyColorScheme(*qApp, ColorScheme::Light));
    QVERIFY(!applicationIsDark());

    // Auto follows the platform: a dark palette (as a dark desktop theme gives) means dark.
    const QPalette before = QApplication::palette();
    QApplication::setPalette(darkPalette());
    QVERIFY(applyColorScheme(*qApp, ColorScheme::Auto));
    QCOMPARE(&GraphStyle::standard(), &dark);
    QApplication::setPalette(before);
    QVERIFY(!applyColorScheme(*qApp, ColorScheme::Auto));
    QCOMPARE(&GraphStyle::standard(), &light);
}

QTEST_MAIN(TestUiApp)
#include "tst_ui_app.moc"
