// Kernel coverage: every ai.onnx op of opsets 1-17 in ONNX 1.12's schema registry has a kernel
// or is listed (with its reason) in opsWithoutKernel(), and README.md's "Kernel coverage"
// section says exactly that. NETFOLD_PRINT_COVERAGE=1 prints the section as it should read.
#include "TestSupport.h"
#include "tst_eval_support.h"

#include "eval/Evaluator.h"
#include "util/Error.h"

#include <onnx/defs/schema.h>

#include <QFile>
#include <QtTest>

#include <set>

using namespace netfold;
using namespace netfold::test;

namespace {

/// Names of the ai.onnx ops defined in opsets 1-17 (any version of them), as ONNX 1.12 registers them.
std::set<std::string> onnxOps()
{
    std::set<std::string> ops;
    for (const auto& schema : onnx::OpSchemaRegistry::get_all_schemas_with_history())
        if ((schema.domain().empty() || schema.domain() == "ai.onnx") && schema.since_version() <= 17)
            ops.insert(schema.Name());
    return ops;
}

/// The README section, generated from the code.
QString expectedSection()
{
    const auto ops = onnxOps();
    const auto kernels = supportedOps();
    int covered = 0;
    for (const auto& k : kernels)
        covered += ops.count(k) ? 1 : 0;
    QString s = "## Kernel coverage\n\n";
    s += QString("netfold evaluates models (constant folding, `--check`, Verify) with its own kernels in `core/eval`,\n"
                 "each compared with ONNX Runtime by the test suite. %1 of the %2 ai.onnx ops of opsets 1-17 (as\n"
                 "ONNX 1.12 defines them) have a kernel; these have none:\n\n")
             .arg(covered)
             .arg(ops.size());
    s += "| Op | Why there is no kernel |\n|---|---|\n";
    for (const auto& [op, why] : opsWithoutKernel())
        s += QString("| %1 | %2 |\n").arg(QString::fromStdString(op), QString::fromStdString(why));
    s += "\nThis section is checked against the code by `tests/tst_kernel_coverage.cpp`; run it with\n"
         "`NETFOLD_PRINT_COVERAGE=1` to print the section as it should read.\n";
    return s;
}

} // namespace

class TestKernelCoverage : public QObject {
    Q_OBJECT
private slots:
    void registryIsReadable();
    void everyOpCoveredOrListed();
    void listIsNotStale();
    void listedOpsSayWhy();
    void readmeMatches();
};

void TestKernelCoverage::registryIsReadable()
{
    const auto ops = onnxOps();
    // ONNX 1.12: 178 op names in opsets 1-17; a broken registry would make every other check vacuous.
    QVERIFY2(ops.size() > 150, qPrintable(QString::number(ops.size())));
    QVERIFY(ops.count("LSTM") && ops.count("Conv") && ops.count("STFT"));
    QVERIFY(!ops.count("Gelu")); // opset 20
}

void TestKernelCoverage::everyOpCoveredOrListed()
{
    QStringList uncovered;
    for (const auto& op : onnxOps())
        if (!hasKernel(op) && noKernelReason(op).empty())
            uncovered << QString::fromStdString(op);
    QVERIFY2(uncovered.isEmpty(), qPrintable("ops with neither a kernel nor a reason in opsWithoutKernel(): "
                                             + uncovered.join(", ")));
}

void TestKernelCoverage::listIsNotStale()
{
    const auto ops = onnxOps();
    std::set<std::string> seen;
    for (const auto& [op, why] : opsWithoutKernel()) {
        QVERIFY2(!hasKernel(op), qPrintable(QString::fromStdString(op) + " is listed without a kernel but has one"));
        QVERIFY2(ops.count(op), qPrintable(QString::fromStdString(op) + " is not an ai.onnx op of opsets 1-17"));
        QVERIFY2(seen.insert(op).second, qPrintable(QString::fromStdString(op) + " is listed twice"));
        QVERIFY2(!why.empty(), qPrintable(QString::fromStdString(op) + " has no reason"));
    }
}

void TestKernelCoverage::listedOpsSayWhy()
{
    for (const auto& [op, why] : opsWithoutKernel()) {
        Node node = evaltest::makeNode(QString::fromStdString(op), {}, {}, 1, "n");
        try {
            evaluateNode(node, {}, 17);
            QFAIL(qPrintable(QString::fromStdString(op) + " evaluated"));
        } catch (const Error& e) {
            QCOMPARE(QString(e.what()), QString::fromStdString("Cannot evaluate node 'n' (" + op + "): op '" + op
                                                               + "' has no kernel (" + why + ")."));
        }
    }
}

void TestKernelCoverage::readmeMatches()
{
    const QString expected = expectedSection();
    if (qEnvironmentVariableIsSet("NETFOLD_PRINT_COVERAGE"))
        qInfo().noquote() << "\n" + expected;
    QFile f(sourcePath("README.md"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString readme = QString::fromUtf8(f.readAll());
    const int start = readme.indexOf("## Kernel coverage\n");
    QVERIFY2(start >= 0, "README.md has no '## Kernel coverage' section");
    int end = readme.indexOf("\n## ", start + 1);
    end = end < 0 ? int(readme.size()) : end + 1;
    const QString actual = readme.mid(start, end - start).trimmed() + "\n";
    QVERIFY2(actual == expected, qPrintable("README.md's Kernel coverage section is out of date; it should read:\n\n"
                                            + expected + "\nbut reads:\n\n" + actual));
}

QTEST_GUILESS_MAIN(TestKernelCoverage)
#include "tst_kernel_coverage.moc"
