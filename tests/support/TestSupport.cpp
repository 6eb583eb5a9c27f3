#include "TestSupport.h"

#include "model/Graph.h"
#include "passes/Passes.h"
#include "shape/Open.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

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

QString ortMissingMessage()
{
    return "ONNX Runtime for Node.js is not installed: run `sh tests/ort/install.sh` (needs tests/ort/node_modules/"
           "onnxruntime-node); the comparison against ONNX Runtime cannot run without it.";
}

void requireOrt(const QTemporaryDir& dir)
{
    QVERIFY2(haveOrt(), qPrintable(ortMissingMessage()));
    QVERIFY(dir.isValid());
}

ProcessResult runOrtScript(const QString& script, const QStringList& args, int timeoutMs)
{
    return run("node", QStringList{sourcePath("tests/ort/" + script)} + args, timeoutMs);
}

int opCount(const Model& m, const std::string& op)
{
    const auto counts = opCounts(m.graph);
    const auto it = counts.find(op);
    return it == counts.end() ? 0 : it->second;
}

QString compareWithOrt(const QString& original, const QString& simplified, const Model& ours,
                       const QString& ortOptimized, const QStringList& compareArgs, Model* theirs)
{
    // Same outputs on the same random inputs, in an independent engine.
    const ProcessResult cmp = runOrtScript("compare.js", QStringList{original, simplified, "--runs", "3"} + compareArgs);
    if (cmp.exitCode != 0)
        return "compare.js: " + cmp.out + cmp.err;
    // No more nodes than ONNX Runtime's basic optimizer leaves.
    const ProcessResult opt = runOrtScript("optimize.js", {original, ortOptimized});
    if (opt.exitCode != 0)
        return "optimize.js: " + opt.out + opt.err;
    *theirs = openModel(ortOptimized.toStdString());
    if (ours.graph.nodes.size() > theirs->graph.nodes.size())
        return QString("netfold %1 nodes, ONNX Runtime %2").arg(ours.graph.nodes.size()).arg(theirs->graph.nodes.size());
    return {};
}

QString onnxCheckerError(const Model& model, const QString& file)
{
    if (model.opsetVersion("") > 17)
        return {};
    onnx::ModelProto proto;
    std::ifstream in(file.toStdString(), std::ios::binary);
    if (!proto.ParseFromIstream(&in))
        return "cannot parse " + file;
    try {
        onnx::checker::check_model(proto);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

std::unique_ptr<Pass> passByName(const std::string& name)
{
    for (auto& p : passes::optimizerPasses())
        if (p->info().name == name)
            return std::move(p);
    if (name == "fold_constants")
        return passes::foldConstants();
    return nullptr;
}

} // namespace netfold::test
