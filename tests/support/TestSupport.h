#pragma once
#include <QString>
#include <QStringList>

#include <memory>
#include <string>

class QTemporaryDir;

namespace netfold {
struct Model;
class Pass;
}

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
/// What a suite that needs ONNX Runtime says when haveOrt() is false.
QString ortMissingMessage();
/// For initTestCase of a suite that runs ONNX Runtime: fails (QTest) unless haveOrt() and dir is valid.
void requireOrt(const QTemporaryDir& dir);
/// Runs a script of tests/ort (compare.js, optimize.js, eval_many.js ...) with node.
ProcessResult runOrtScript(const QString& script, const QStringList& args, int timeoutMs = 600000);

/// How many nodes the top level of m's graph has of op, an op type of the default domain or
/// "domain:type" for others (as opCounts names them).
int opCount(const Model& m, const std::string& op);
/// A simplified model against its original in ONNX Runtime: the same outputs on the same random
/// inputs (compare.js --runs 3, plus compareArgs such as --shape), and no more nodes than ONNX
/// Runtime's basic optimizer leaves of the original (written to ortOptimized and loaded into
/// *theirs). Returns what failed, or an empty string.
QString compareWithOrt(const QString& original, const QString& simplified, const Model& ours,
                       const QString& ortOptimized, const QStringList& compareArgs, Model* theirs);
/// What the ONNX checker finds wrong with file (the model loaded as model), or an empty string; also
/// empty where ONNX 1.12 does not know the model's opset (above 17).
QString onnxCheckerError(const Model& model, const QString& file);

/// The optimizer pass (or fold_constants) named name, or null.
std::unique_ptr<Pass> passByName(const std::string& name);

} // namespace netfold::test
