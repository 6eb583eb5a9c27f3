#include "TestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>

namespace netfold::test {

QString dataPath(const QString& name)
{
    return QDir(qEnvironmentVariable("NETFOLD_TEST_DATA")).absoluteFilePath(name);
}

QString sourcePath(const QString& name)
{
    return QDir(qEnvironmentVariable("NETFOLD_SOURCE_DIR")).absoluteFilePath(name);
}

ProcessResult run(const QString& program, const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) {
        r.err = "cannot start " + program;
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out: " + program + " " + args.join(' ');
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

ProcessResult runCli(const QStringList& args, int timeoutMs)
{
    return run(qEnvironmentVariable("NETFOLD_CLI"), args, timeoutMs);
}

bool haveOrt()
{
    return QFileInfo::exists(sourcePath("tests/ort/node_modules/onnxruntime-node/package.json"));
}

} // namespace netfold::test
