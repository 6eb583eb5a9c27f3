// netfold: the desktop application.
#include "AboutDialog.h"
#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "Palette.h"
#include "SimplifySession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace {

/// Milliseconds since the process started (Linux: from /proc/self/stat; elsewhere from main()).
class ProcessClock {
public:
    ProcessClock()
    {
        m_sinceMain.start();
        QFile stat(QStringLiteral("/proc/self/stat"));
        timespec now{};
        if (stat.open(QIODevice::ReadOnly) && clock_gettime(CLOCK_BOOTTIME, &now) == 0) {
            // Field 22 (starttime, clock ticks since boot) follows the ")" that ends the command name.
            const QByteArray text = stat.readAll();
            const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
            bool ok = false;
            const qint64 ticks = fields.size() > 19 ? fields[19].toLongLong(&ok) : 0;
            const long hz = sysconf(_SC_CLK_TCK);
            if (ok && hz > 0) {
                const double startMs = 1000.0 * double(ticks) / double(hz);
                const double nowMs = double(now.tv_sec) * 1000.0 + double(now.tv_nsec) / 1e6;
                m_offsetMs = qMax(0.0, nowMs - startMs);
            }
        }
    }
    qint64 elapsed() const { return qRound64(m_offsetMs) + m_sinceMain.elapsed(); }

private:
    QElapsedTimer m_sinceMain;
    double m_offsetMs = 0;
};

} // namespace

int main(int argc, char** argv)
{
    const ProcessClock clock;
    // --version works without a display: answer it before QApplication connects to one.
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::fputs(qPrintable(netfold::versionText()), stdout);
            return 0;
        }
    QApplication app(argc, argv);
    QApplication::setApplicationName("netfold");
    QApplication::setOrganizationName("netfold");
    QApplication::setApplicationVersion(NETFOLD_VERSION);
    QGuiApplication::setDesktopFileName(QStringLiteral("org.netfold.Netfold"));
    QApplication::setWindowIcon(netfold::appIcon());
    netfold::applyColorScheme(app, netfold::requestedColorScheme());

    QCommandLineParser parser;
    parser.setApplicationDescription("See what an ONNX simplifier folds: the graph before and after, side by side.");
    parser.addHelpOption();
    // Handled above; listed here for --help.
    parser.addOption(QCommandLineOption({"v", "version"}, "Print the version, the git commit and the versions of Qt, "
                                                          "ONNX, protobuf and Graphviz netfold runs with, and exit."));
    parser.addPositionalArgument("model", "The .onnx file to open (default: the bundled sample).");
    QCommandLineOption screenshot("screenshot",
                                  "Open the model, wait until it is laid out and painted, save the window as a PNG "
                                  "and exit; prints the milliseconds from process start to that first complete paint.",
                                  "OUT.png");
    QCommandLineOption size("size", "Window size for --screenshot (default 1280x800).", "WxH", "1280x800");
    QCommandLineOption fit("fit", "With --screenshot: fit the whole graph in the window before saving.");
    QCommandLineOption horizontal("horizontal", "Lay the graph out left to right.");
    QCommandLineOption noCache("no-layout-cache", "Lay out every chunk afresh (for cold benchmarks).");
    QCommandLineOption noGroups("no-groups", "Draw every node: big graphs open without their name-scope groups collapsed.");
    QCommandLineOption simplify("simplify", "Run the whole simplification and show the graphs before and after side by "
                                            "side (with --screenshot: save that view).");
    parser.addOptions({screenshot, size, fit, horizontal, noCache, noGroups, simplify});
    parser.process(app);

    netfold::MainWindow window;
    // A screenshot is of the default layout; a normal start comes back as it was left.
    if (!parser.isSet(screenshot))
        window.restoreSettings();
    netfold::GraphScene* scene = window.graphScene();
    auto options = scene->options();
    if (parser.isSet(horizontal))
        options.direction = netfold::LayoutOptions::Direction::LeftToRight;
    if (parser.isSet(noCache))
        options.layoutCache = false;
    if (parser.isSet(noGroups))
        options.groups = false;
    scene->setOptions(options);

    const QStringList args = parser.positionalArguments();
    const QString shotPath = parser.value(screenshot);
    const bool simplifyFirst = parser.isSet(simplify);
    auto saveShot = [&window, &clock, &shotPath] {
        const qint64 ms = clock.elapsed();
        const QPixmap shot = window.grab();
        if (shot.isNull() || !shot.save(shotPath, "PNG")) {
            std::fprintf(stderr, "netfold: cannot write the screenshot '%s'.\n", qPrintable(shotPath));
            QApplication::exit(1);
            return;
        }
        std::printf("first paint: %lld ms\n", static_cast<long long>(ms));
        std::fflush(stdout);
        QApplication::exit(0);
    };
    if (simplifyFirst) {
        // Once the pipeline reaches its fixed point, show the side by side; with --screenshot,
        // save it when both sides are laid out and painted.
        QObject::connect(window.session(), &netfold::SimplifySession::fixedPointReached, &window, [&] {
            window.showCompare(true);
            if (shotPath.isEmpty())
                return;
            auto* poll = new QTimer(&window);
            QObject::connect(poll, &QTimer::timeout, &window, [&, poll] {
                netfold::CompareView* c = window.compareView();
                if (!c->leftView()->hasPaintedLayout() || !c->rightView()->hasPaintedLayout())
                    return;
                poll->stop();
                if (parser.isSet(fit)) {
                    c->leftView()->fitAll();
                    c->rightView()->fitAll();
                    QApplication::processEvents();
                }
                saveShot();
            });
            poll->start(30);
        });
    }
    if (!shotPath.isEmpty() && !simplifyFirst) {
        QObject::connect(window.graphView(), &netfold::GraphView::layoutPainted, &window, [&] {
            if (parser.isSet(fit)) {
                window.graphView()->fitAll();
                QApplication::processEvents();
            }
            saveShot();
        });
        QObject::connect(scene, &netfold::GraphScene::layoutFinished, &window, [&](bool ok, const QString& error) {
            if (!ok) {
                std::fprintf(stderr, "netfold: %s\n", qPrintable(error.isEmpty() ? QStringLiteral("Layout failed.") : error));
                QApplication::exit(1);
            }
        });
    }
    if (!shotPath.isEmpty()) {
        const QStringList wh = parser.value(size).split('x');
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
        QTimer::singleShot(600000, &window, [] {
            std::fprintf(stderr, "netfold: timed out waiting for the first paint.\n");
            QApplication::exit(2);
        });
    }

    window.show();
    bool opened = true;
    if (!args.isEmpty())
        opened = window.openFile(QFileInfo(args.first()).absoluteFilePath());
    else
        opened = window.openSample();
    if (!shotPath.isEmpty() && !opened) {
        std::fprintf(stderr, "netfold: %s\n", qPrintable(window.lastError()));
        return 1;
    }
    if (simplifyFirst)
        window.session()->runToEnd();
    return QApplication::exec();
}
