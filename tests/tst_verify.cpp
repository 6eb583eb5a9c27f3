// verifyModels: sizes for symbolic dims the original runs on, and blame only where it was measured.
#include "ModelBuilder.h"
#include "TestSupport.h"

#include "eval/Verify.h"
#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace netfold;
using namespace netfold::test;

namespace {

/// y = Conv(x, w) with a kernel `kernel` wide; x is [1,1,len] (len symbolic when "").
Model convModel(int64_t kernel, const char* len)
{
    ModelBuilder b;
    if (len)
        b.input("x", dtype::Float, {1, 1, len});
    else
        b.input("x", dtype::Float, {1, 1, 4});
    b.output("y", dtype::Float);
    b.floats("w", {1, 1, kernel}, std::vector<float>(static_cast<std::size_t>(kernel), 0.25f));
    b.node("Conv", {"x", "w"}, {"y"}, "conv");
    return b.build();
}

/// verifyModels(m, m) for one run under a time cap of maxSeconds; ms: how long it took.
VerifyResult verifyWithin(const Model& m, VerifyOptions options, double maxSeconds, qint64& ms)
{
    options.runs = 1;
    options.maxSeconds = maxSeconds;
    QElapsedTimer clock;
    clock.start();
    VerifyResult r = verifyModels(m, m, options);
    ms = clock.elapsed();
    return r;
}

} // namespace

class TestVerify : public QObject {
    Q_OBJECT
private slots:
    void symbolicDimGrowsUntilTheOriginalRuns();
    void originalFailingIsNoVerdict();
    void timeCapOnALargerSizeIsNotAFailure();
    void simplifiedFailingWhereOriginalRunsIsAFailure();
    void userShapeIsUsedAndChecked();
    void hugeInputIsNotAllocated();
    void inputsStayWithinTheMemoryCap();
    void makingInputsStopsAtTheTimeCap();
    void longKernelStopsAtTheTimeCap();
    void longPoolStopsAtTheTimeCap();
    void cancelStopsWithoutAVerdict();
};

void TestVerify::symbolicDimGrowsUntilTheOriginalRuns()
{
    const Model m = convModel(100, "len");
    const VerifyResult r = verifyModels(m, m, 2);
    QVERIFY(r.ran);
    QVERIFY(r.ok);
    QCOMPARE(r.runs, 2);
    QVERIFY(r.inputShapes.at("x").at(2) >= 100);
    QVERIFY(r.attempts > 1);
}

void TestVerify::originalFailingIsNoVerdict()
{
    const Model bad = convModel(8, nullptr); // static length 4 < kernel 8: never runs
    const Model good = convModel(1, nullptr);
    const VerifyResult r = verifyModels(bad, good, 3);
    QVERIFY(!r.ran);
    QVERIFY(!r.ok);
    QVERIFY(r.outputs.empty());
    QCOMPARE(r.runs, 0);
    QVERIFY2(QString::fromStdString(r.reason).startsWith("cannot check: the original model fails on input x[1,1,4]: "),
             qPrintable(QString::fromStdString(r.reason)));
}

// The first size fails (Reshape to [3]); a larger one runs into the time cap in the DFT before
// it. The reason says the cap stopped it, not that every larger size failed too (it did before).
void TestVerify::timeCapOnALargerSizeIsNotAFailure()
{
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1, "len", 1}).output("y", dtype::Float);
    b.ints("three", {1}, {3});
    b.node("DFT", {"x"}, {"spectrum"}).attr("axis", int64_t(1));
    b.node("Reshape", {"spectrum", "three"}, {"y"});
    const Model m = b.build();
    VerifyOptions options;
    options.maxDim = 65536; // a 16384-point DFT takes seconds
    qint64 ms = 0;
    const VerifyResult r = verifyWithin(m, options, 0.3, ms);
    QVERIFY2(ms < 1500, qPrintable(QString("took %1 ms").arg(ms)));
    QVERIFY(!r.ran);
    const QString reason = QString::fromStdString(r.reason);
    QVERIFY2(reason.startsWith("cannot check: the original model fails on input x[1,2,1]: ") && reason.contains("reshape"),
             qPrintable(reason));
    QVERIFY2(QRegularExpression(R"(\((\d+ larger input size\(s\) fail too; the check's 0.3 s time cap ran out on the next|)"
                                R"(the check's 0.3 s time cap ran out on the next larger input size)\)$)")
                 .match(reason)
                 .hasMatch(),
             qPrintable(reason));
}

void TestVerify::simplifiedFailingWhereOriginalRunsIsAFailure()
{
    const Model good = convModel(1, nullptr);
    const Model bad = convModel(8, nullptr);
    const VerifyResult r = verifyModels(good, bad, 3);
    QVERIFY(r.ran);
    QVERIFY(!r.ok);
    QVERIFY(r.outputs.empty()); // nothing compared, so no output claims a difference
    QVERIFY(r.reason.empty());
    QVERIFY2(QString::fromStdString(r.error).contains("the simplified model fails on input x[1,1,4]"),
             qPrintable(QString::fromStdString(r.error)));
}

void TestVerify::userShapeIsUsedAndChecked()
{
    const Model m = convModel(3, "len");
    VerifyOptions options;
    options.runs = 1;
    options.inputShapes["x"] = {1, 1, 7};
    const VerifyResult r = verifyModels(m, m, options);
    QVERIFY(r.ran && r.ok);
    QCOMPARE(r.inputShapes.at("x"), (std::vector<int64_t>{1, 1, 7}));
    QCOMPARE(r.attempts, 1);
    QVERIFY(checkInputShape(m, "x", {1, 1, 7}).empty());
    QVERIFY(QString::fromStdString(checkInputShape(m, "x", {1, 7})).contains("rank 3"));
    QVERIFY(QString::fromStdString(checkInputShape(m, "x", {2, 1, 7})).contains("fixed at 1"));
    QVERIFY(QString::fromStdString(checkInputShape(m, "w", {1, 1, 3})).contains("no input 'w'"));
    options.inputShapes["x"] = {1, 1, 2}; // shorter than the kernel: no verdict, and no search
    const VerifyResult s = verifyModels(m, m, options);
    QVERIFY(!s.ran);
    QCOMPARE(s.attempts, 1);
    QVERIFY(QString::fromStdString(s.reason).contains("input x[1,1,2]"));
}

// bad/huge_dim.onnx: input [2^40]; no random input of 4 TiB is attempted.
void TestVerify::hugeInputIsNotAllocated()
{
    const Model m = openModel(dataPath("bad/huge_dim.onnx").toStdString());
    const VerifyResult r = verifyModels(m, m, 1);
    QVERIFY(!r.ran);
    QCOMPARE(r.attempts, 0);
    QVERIFY2(QString::fromStdString(r.reason).contains("134217728 elements, too many to make random values for (X[1099511627776])"),
             qPrintable(QString::fromStdString(r.reason)));
}

// The random inputs are values of the check too (fuzz find: a 131 KB model declaring a
// [1,65535,32,32] input made 268 MB of random floats, via 536 MB of doubles, under a 64 MB cap).
void TestVerify::inputsStayWithinTheMemoryCap()
{
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1, 64, 32, 32}).output("y", dtype::Float); // 262,144 bytes, 4 chunks
    b.node("Relu", {"x"}, {"y"});
    const Model m = b.build();
    VerifyOptions options;
    options.runs = 2;
    options.maxBytes = (256 << 10) - 1;
    const VerifyResult over = verifyModels(m, m, options);
    QVERIFY(!over.ran);
    QCOMPARE(over.attempts, 0);
    QCOMPARE(QString::fromStdString(over.reason),
             QString("cannot check: the inputs (x[1,64,32,32]) take 262144 bytes, over the check's memory cap of 262143 bytes"));
    // Within the cap (the input and Relu's output): made in chunks, compared twice.
    options.maxBytes = 1 << 20;
    const VerifyResult within = verifyModels(m, m, options);
    QVERIFY2(within.ran && within.ok, qPrintable(QString::fromStdString(within.reason + within.error)));
    QCOMPARE(within.runs, 2);
}

// Making a large input counts against the check's clock.
void TestVerify::makingInputsStopsAtTheTimeCap()
{
    ModelBuilder b(17);
    b.input("x", dtype::Float, {8192, 8192}).output("y", dtype::Float); // 256 MB
    b.node("Relu", {"x"}, {"y"});
    const Model m = b.build();
    VerifyOptions options;
    options.maxBytes = uint64_t(4) << 30;
    qint64 ms = 0;
    const VerifyResult r = verifyWithin(m, options, 0.05, ms);
    QVERIFY2(ms < 2000, qPrintable(QString("took %1 ms").arg(ms)));
    QVERIFY(!r.ran);
    QVERIFY2(QString::fromStdString(r.reason)
                 == "cannot check: input x[8192,8192]: making its random values ran for over 0.05 s, the check's time cap",
             qPrintable(QString::fromStdString(r.reason)));
}

// One node's work counts against the time cap as it goes (fuzz find, CI share: a DFT of a long
// signal, n^2 steps in one kernel, ran 12 s past a 2 s cap: the cap was checked between nodes).
namespace {
/// Checks a model whose one kernel runs for seconds stops within a 0.2 s time cap, naming op.
void checkStopsAtTheTimeCap(const Model& m, const QString& op)
{
    qint64 ms = 0;
    const VerifyResult r = verifyWithin(m, {}, 0.2, ms);
    QVERIFY2(ms < 1500, qPrintable(QString("took %1 ms").arg(ms)));
    QVERIFY(!r.ran);
    QVERIFY2(QString::fromStdString(r.reason).contains("(" + op + "): the evaluation ran for over 0.2 s, its time cap"),
             qPrintable(QString::fromStdString(r.reason)));
}
} // namespace

void TestVerify::longKernelStopsAtTheTimeCap()
{
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1, 65536, 1}).output("y", dtype::Float); // 2^32 steps, seconds
    b.node("DFT", {"x"}, {"y"}).attr("axis", int64_t(1));
    checkStopsAtTheTimeCap(b.build(), "DFT");
}

void TestVerify::longPoolStopsAtTheTimeCap()
{
    // 2^21 windows of up to 2^20 input positions each: about 2^40 steps, hours.
    const int64_t n = int64_t(1) << 20;
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1, 1, n}).output("y", dtype::Float);
    b.node("MaxPool", {"x"}, {"y"})
        .attr("kernel_shape", std::vector<int64_t>{n})
        .attr("pads", std::vector<int64_t>{n - 1, n - 1});
    checkStopsAtTheTimeCap(b.build(), "MaxPool");
}

// A check of a Loop that would run for a minute (no iteration cap, 60 s) stops within a couple
// of seconds of the cancel flag, reporting it as cancelled: no verdict on either model.
void TestVerify::cancelStopsWithoutAVerdict()
{
    const Model m = openModel(dataPath("hostile/loop_forever.onnx").toStdString());
    VerifyOptions options;
    options.runs = 1;
    options.maxIterations = 0;
    options.maxSeconds = 60;
    std::atomic<bool> cancel{false};
    options.cancel = &cancel;
    VerifyResult r;
    QElapsedTimer clock;
    clock.start();
    std::thread worker([&] { r = verifyModels(m, m, options); });
    QTest::qWait(300);
    QVERIFY2(!r.cancelled && r.reason.empty(), "finished before the cancel");
    cancel = true;
    worker.join();
    const qint64 ms = clock.elapsed();
    QVERIFY2(ms < 3000, qPrintable(QString("took %1 ms").arg(ms)));
    QVERIFY(r.cancelled);
    QVERIFY(!r.ran);
    QVERIFY(!r.ok);
    QVERIFY2(QString::fromStdString(r.reason).startsWith("cannot check: cancelled while running the original model"),
             r.reason.c_str());
    QVERIFY(r.error.empty());
}

QTEST_GUILESS_MAIN(TestVerify)
#include "tst_verify.moc"
