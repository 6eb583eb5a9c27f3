// netfold: the desktop application.
#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("netfold");
    QApplication::setOrganizationName("netfold");
    QApplication::setApplicationVersion(NETFOLD_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("See what an ONNX simplifier folds: the graph before and after, side by side.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("model", "The .onnx file to open (default: the bundled sample).");
    parser.process(app);

    netfold::MainWindow window;
    const QStringList args = parser.positionalArguments();
    window.show();
    if (!args.isEmpty())
        window.openFile(QFileInfo(args.first()).absoluteFilePath());
    else
        window.openSample();
    return QApplication::exec();
}
