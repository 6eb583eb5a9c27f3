#pragma once
#include <QString>
#include <QStringList>

namespace netfold::test {

/// Absolute path of a file under tests/data.
QString dataPath(const QString& name);
/// Absolute path of a file in the source tree.
QString sourcePath(const QString& name);

struct ProcessResult {
    int exitCode = -1;
    QString out;
    QString err;
};
/// Runs a program to completion (timeout in ms) and returns its exit code and output.
ProcessResult run(const QString& program, const QStringList& args, int timeoutMs = 300000);
/// Runs netfold-cli.
ProcessResult runCli(const QStringList& args, int timeoutMs = 300000);
/// True when ONNX Runtime for Node.js is installed under tests/ort.
bool haveOrt();

} // namespace netfold::test
