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
    void longKernelStopsAtTheTimeCap_data();
    void longKernelStopsAtTheTimeCap();
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
// Every kernel whose work grows with more than its output (a product of sizes, an attribute)
// ticks: each model below runs one such kernel for seconds to hours on inputs made well inside
// the cap, and must stop soon after the 0.5 s cap. (At 0.2 s, making Det's 4M-value input ran
// past the cap under ASan on a loaded machine, and the kernel was never reached.)
namespace {
Model longKernelModel(const QString& op)
{
    const std::vector<float> half(std::size_t(1) << 24, 0.5f);
    auto filled = [&half](std::size_t n) { return std::vector<float>(half.begin(), half.begin() + std::ptrdiff_t(n)); };
    if (op == "DFT") { // 2^32 steps
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1, 65536, 1}).output("y", dtype::Float);
        b.node("DFT", {"x"}, {"y"}).attr("axis", int64_t(1));
        return b.build();
    }
    if (op == "MaxPool") { // 2^21 windows of up to 2^20 input positions each: about 2^40 steps
        const int64_t n = int64_t(1) << 20;
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1, 1, n}).output("y", dtype::Float);
        b.node("MaxPool", {"x"}, {"y"})
            .attr("kernel_shape", std::vector<int64_t>{n})
            .attr("pads", std::vector<int64_t>{n - 1, n - 1});
        return b.build();
    }
    if (op == "MatMul" || op == "Gemm") {
        // 1024 x 1024 x 16384: 2^34 multiply-adds from a 1M-value input
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1024, 1024}).output("y", dtype::Float);
        b.floats("w", {1024, 16384}, filled(std::size_t(1) << 24));
        b.node(op.toStdString(), {"x", "w"}, {"y"});
        return b.build();
    }
    if (op == "Conv") { // 512 x 512 x 9 x 64 x 64: 2^33 multiply-adds
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1, 512, 64, 64}).output("y", dtype::Float);
        b.floats("w", {512, 512, 3, 3}, filled(512 * 512 * 9));
        b.node("Conv", {"x", "w"}, {"y"}).attr("pads", std::vector<int64_t>{1, 1, 1, 1});
        return b.build();
    }
    if (op == "Einsum") { // i,j-> over 2^17 x 2^17: 2^34 steps for one output value
        ModelBuilder b(17);
        b.input("a", dtype::Float, {131072}).input("b", dtype::Float, {131072}).output("y", dtype::Float);
        b.node("Einsum", {"a", "b"}, {"y"}).attr("equation", std::string("i,j->"));
        return b.build();
    }
    if (op == "NonMaxSuppression") { // iou_threshold 1 keeps every box: 2^32 / 2 comparisons
        ModelBuilder b(17);
        b.input("boxes", dtype::Float, {1, 65536, 4}).input("scores", dtype::Float, {1, 1, 65536});
        b.output("y", dtype::Int64);
        b.ints("max", {1}, {int64_t(1) << 40});
        b.floats("iou", {1}, {1.0f});
        b.node("NonMaxSuppression", {"boxes", "scores", "max", "iou"}, {"y"});
        return b.build();
    }
    if (op == "RoiAlign") { // sampling_ratio 2^20: 2^40 samples for one output value
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1, 1, 8, 8}).output("y", dtype::Float);
        b.floats("rois", {1, 4}, {0, 0, 4, 4});
        b.ints("batch", {1}, {0});
        b.node("RoiAlign", {"x", "rois", "batch"}, {"y"}).attr("sampling_ratio", int64_t(1) << 20);
        return b.build();
    }
    if (op == "MaxRoiPool") { // 8192 rois over the whole 1024 x 1024 image: 2^33 steps
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1, 1, 1024, 1024}).output("y", dtype::Float);
        std::vector<float> rois;
        for (int r = 0; r < 8192; ++r)
            rois.insert(rois.end(), {0, 0, 0, 1023, 1023});
        b.floats("rois", {8192, 5}, rois);
        b.node("MaxRoiPool", {"x", "rois"}, {"y"}).attr("pooled_shape", std::vector<int64_t>{1, 1});
        return b.build();
    }
    if (op == "LRN") { // a window over all 2^17 channels for each of them: 2^34 steps
        ModelBuilder b(17);
        b.input("x", dtype::Float, {1, 131072, 1}).output("y", dtype::Float);
        b.node("LRN", {"x"}, {"y"}).attr("size", int64_t(262143));
        return b.build();
    }
    if (op == "Det") { // elimination of a 2048 x 2048 matrix: about 2^31 steps
        ModelBuilder b(17);
        b.input("x", dtype::Float, {2048, 2048}).output("y", dtype::Float);
        b.node("Det", {"x"}, {"y"});
        return b.build();
    }
    if (op == "LSTM") { // 4096 steps of 2048 x 768 weights: 2^32.6 multiply-adds
        ModelBuilder b(17);
        b.input("x", dtype::Float, {4096, 1, 256}).output("y", dtype::Float);
        b.floats("w", {1, 2048, 256}, filled(2048 * 256));
        b.floats("r", {1, 2048, 512}, filled(2048 * 512));
        b.node("LSTM", {"x", "w", "r"}, {"y"}).attr("hidden_size", int64_t(512));
        return b.build();
    }
    if (op == "Attention") { // 8192 queries x 8192 keys x 129: 2^33 steps
        ModelBuilder b(23);
        for (const char* n : {"q", "k", "v"})
            b.input(n, dtype::Float, {1, 1, 8192, 64});
        b.output("y", dtype::Float);
        b.node("Attention", {"q", "k", "v"}, {"y"});
        return b.build();
    }
    qFatal("no model for %s", qPrintable(op));
}
} // namespace

void TestVerify::longKernelStopsAtTheTimeCap_data()
{
    QTest::addColumn<QString>("op");
    for (const char* op : {"DFT", "MaxPool", "MatMul", "Gemm", "Conv", "Einsum", "NonMaxSuppression", "RoiAlign",
                           "MaxRoiPool", "LRN", "Det", "LSTM", "Attention"})
        QTest::newRow(op) << QString(op);
}

void TestVerify::longKernelStopsAtTheTimeCap()
{
    QFETCH(QString, op);
    qint64 ms = 0;
    const VerifyResult r = verifyWithin(longKernelModel(op), {}, 0.5, ms);
    QVERIFY2(ms < 1800, qPrintable(QString("took %1 ms").arg(ms)));
    QVERIFY(!r.ran);
    QVERIFY2(QString::fromStdString(r.reason).contains("(" + op + "): the evaluation ran for over 0.5 s, its time cap"),
             qPrintable(QString::fromStdString(r.reason)));
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
