// TensorStats: statistics and histograms of constant tensors equal numpy's (tensor_stats.json),
// NaN / Inf / zero counts, empty and scalar tensors, progress and cancellation.
#include "TestModels.h"
#include "TestSupport.h"

#include "model/DataType.h"
#include "model/ModelIO.h"
#include "model/TensorStats.h"

#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

using namespace netfold;
using namespace netfold::test;

Q_DECLARE_METATYPE(QJsonObject)

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

QJsonObject expected()
{
    QFile f(dataPath("tensor_stats.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

const Model& model(const QString& file) { return cachedModel(file); }

TensorPtr findTensor(const Model& m, const std::string& name, const QString& source)
{
    if (source == "initializer") {
        const Initializer* init = m.graph.findInitializer(name);
        return init ? init->tensor : nullptr;
    }
    for (const Node& n : m.graph.nodes)
        if (n.opType == "Constant" && !n.outputs.empty() && n.outputs[0] == name)
            return n.attrTensor("value");
    return nullptr;
}

/// |a - b| <= rtol * |b| + atol; both NaN counts as equal.
bool close(double a, double b, double rtol, double atol)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::fabs(a - b) <= rtol * std::fabs(b) + atol;
}

double jsonNumber(const QJsonValue& v) { return v.isNull() ? kNaN : v.toDouble(); }

TensorPtr floats(std::vector<int64_t> dims, const std::vector<float>& values)
{
    Bytes bytes(values.size() * 4);
    if (!values.empty()) // memcpy's pointers may not be null, even for 0 bytes
        std::memcpy(bytes.data(), values.data(), bytes.size());
    return std::make_shared<const Tensor>(dtype::Float, std::move(dims), std::move(bytes));
}

} // namespace

class TestTensorStats : public QObject {
    Q_OBJECT
private slots:
    void matchesNumpy_data();
    void matchesNumpy();
    void nanInfZeros_data();
    void nanInfZeros();
    void emptyAndScalar();
    void constantTensor();
    void float16Specials();
    void strings();
    void integersExactExtrema();
    void progressAndCancel();
    void largeTensorAccuracy();
};

void TestTensorStats::matchesNumpy_data()
{
    QTest::addColumn<QJsonObject>("entry");
    const QJsonObject all = expected();
    QVERIFY2(!all.isEmpty(), "tests/data/tensor_stats.json is missing: run tests/data/make_tensor_stats.py");
    QCOMPARE(all.value("bins").toInt(), 64);
    for (const QJsonValue& v : all.value("tensors").toArray()) {
        const QJsonObject o = v.toObject();
        const QString tag = o.value("file").toString() + ":" + o.value("name").toString();
        QTest::newRow(tag.toUtf8().constData()) << o;
    }
}

void TestTensorStats::matchesNumpy()
{
    QFETCH(QJsonObject, entry);
    const Model& m = model(entry.value("file").toString());
    const TensorPtr t = findTensor(m, entry.value("name").toString().toStdString(), entry.value("source").toString());
    QVERIFY(t);
    QCOMPARE(QString::fromStdString(dtypeName(t->dtype())), entry.value("dtype").toString());
    QJsonArray shape;
    for (int64_t d : t->dims())
        shape.append(static_cast<qint64>(d));
    QCOMPARE(shape, entry.value("shape").toArray());

    const TensorStats s = computeTensorStats(*t);
    QVERIFY(s.complete);
    QCOMPARE(s.count, static_cast<int64_t>(entry.value("count").toInteger()));
    QCOMPARE(s.numeric, entry.value("numeric").toBool());
    if (!s.numeric)
        return;
    QCOMPARE(s.finite, static_cast<int64_t>(entry.value("finite").toInteger()));
    QCOMPARE(s.zeros, static_cast<int64_t>(entry.value("zeros").toInteger()));
    QCOMPARE(s.nans, static_cast<int64_t>(entry.value("nans").toInteger()));
    QCOMPARE(s.posInfs, static_cast<int64_t>(entry.value("posinf").toInteger()));
    QCOMPARE(s.negInfs, static_cast<int64_t>(entry.value("neginf").toInteger()));

    const double rtol = 1e-6;
    const double scale = std::max(std::fabs(jsonNumber(entry.value("min"))), std::fabs(jsonNumber(entry.value("max"))));
    const double atol = std::isnan(scale) ? 0 : 1e-12 * scale;
    auto check = [&](const char* what, double got) {
        const double want = jsonNumber(entry.value(what));
        QVERIFY2(close(got, want, rtol, atol),
                 qPrintable(QString("%1: got %2, numpy %3").arg(what).arg(got, 0, 'g', 17).arg(want, 0, 'g', 17)));
    };
    check("min", s.min);
    check("max", s.max);
    check("mean", s.mean);
    check("std", s.std);
    if (s.finite == 0) {
        QVERIFY(s.histogram.empty());
        QCOMPARE(s.minIndex, int64_t(-1));
        return;
    }
    QCOMPARE(t->at(s.minIndex), s.min);
    QCOMPARE(t->at(s.maxIndex), s.max);
    check("hist_lo", s.histLo);
    check("hist_hi", s.histHi);
    QList<qint64> want, got;
    for (const QJsonValue& c : entry.value("histogram").toArray())
        want << c.toInteger();
    for (int64_t c : s.histogram)
        got << c;
    QCOMPARE(got, want);
}

void TestTensorStats::nanInfZeros_data()
{
    QTest::addColumn<QVector<double>>("values");
    QTest::addColumn<int>("nans");
    QTest::addColumn<int>("posInfs");
    QTest::addColumn<int>("negInfs");
    QTest::addColumn<int>("zeros");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("std");
    QTest::newRow("mixed") << QVector<double>{1, kNaN, 0, -0.0, kInf, -kInf, 3, kNaN} << 2 << 1 << 1 << 2 << -0.0 << 3.0
                           << 1.0 << std::sqrt(1.5);
    QTest::newRow("all-nan") << QVector<double>{kNaN, kNaN} << 2 << 0 << 0 << 0 << kNaN << kNaN << kNaN << kNaN;
    QTest::newRow("only-inf") << QVector<double>{kInf, kInf, -kInf} << 0 << 2 << 1 << 0 << kNaN << kNaN << kNaN << kNaN;
    QTest::newRow("zeros") << QVector<double>{0, 0, 0, 0} << 0 << 0 << 0 << 4 << 0.0 << 0.0 << 0.0 << 0.0;
    QTest::newRow("negative") << QVector<double>{-4, -2} << 0 << 0 << 0 << 0 << -4.0 << -2.0 << -3.0 << 1.0;
}

void TestTensorStats::nanInfZeros()
{
    QFETCH(QVector<double>, values);
    QFETCH(int, nans);
    QFETCH(int, posInfs);
    QFETCH(int, negInfs);
    QFETCH(int, zeros);
    QFETCH(double, min);
    QFETCH(double, max);
    QFETCH(double, mean);
    QFETCH(double, std);
    for (int32_t dt : {dtype::Float, dtype::Double, dtype::Float16, dtype::BFloat16}) {
        const auto t = Tensor::fromDoubles(dt, {static_cast<int64_t>(values.size())}, std::vector<double>(values.begin(), values.end()));
        const TensorStats s = computeTensorStats(*t);
        const QByteArray what = QByteArray::fromStdString(dtypeName(dt));
        QVERIFY2(s.numeric && s.complete, what);
        QCOMPARE(s.count, static_cast<int64_t>(values.size()));
        QCOMPARE(s.nans, int64_t(nans));
        QCOMPARE(s.posInfs, int64_t(posInfs));
        QCOMPARE(s.negInfs, int64_t(negInfs));
        QCOMPARE(s.zeros, int64_t(zeros));
        QCOMPARE(s.finite, s.count - nans - posInfs - negInfs);
        QVERIFY2(close(s.min, min, 1e-12, 0), what);
        QVERIFY2(close(s.max, max, 1e-12, 0), what);
        QVERIFY2(close(s.mean, mean, 1e-12, 0), what);
        QVERIFY2(close(s.std, std, 1e-12, 0), what);
        int64_t inHist = 0;
        for (int64_t c : s.histogram)
            inHist += c;
        QCOMPARE(inHist, s.finite);
    }
}

void TestTensorStats::emptyAndScalar()
{
    for (const std::vector<int64_t>& dims : {std::vector<int64_t>{0}, {0, 3}, {4, 0, 2}}) {
        const auto t = floats(dims, {});
        const TensorStats s = computeTensorStats(*t);
        QVERIFY(s.numeric);
        QVERIFY(s.complete);
        QCOMPARE(s.count, int64_t(0));
        QCOMPARE(s.finite, int64_t(0));
        QVERIFY(std::isnan(s.min) && std::isnan(s.max) && std::isnan(s.mean) && std::isnan(s.std));
        QVERIFY(s.histogram.empty());
    }
    const TensorStats s = computeTensorStats(*floats({}, {-7.5f}));
    QCOMPARE(s.count, int64_t(1));
    QCOMPARE(s.min, -7.5);
    QCOMPARE(s.max, -7.5);
    QCOMPARE(s.mean, -7.5);
    QCOMPARE(s.std, 0.0);
    QCOMPARE(s.minIndex, int64_t(0));
}

void TestTensorStats::constantTensor()
{
    // numpy widens an empty range to [v - 0.5, v + 0.5]; every value falls in the middle bin.
    const TensorStats s = computeTensorStats(*floats({3, 2}, {2, 2, 2, 2, 2, 2}));
    QCOMPARE(s.histLo, 1.5);
    QCOMPARE(s.histHi, 2.5);
    QCOMPARE(s.histogram.size(), std::size_t(64));
    QCOMPARE(s.histogram[32], int64_t(6));
    QCOMPARE(s.std, 0.0);

    TensorStatsOptions noBins;
    noBins.bins = 0;
    QVERIFY(computeTensorStats(*floats({2}, {1, 2}), noBins).histogram.empty());
    TensorStatsOptions four;
    four.bins = 4;
    // Edges 0, 1, 2, 3, 4: the last bin holds its right edge.
    const TensorStats h = computeTensorStats(*floats({6}, {0, 1, 1.5f, 2, 4, 4}), four);
    QCOMPARE(h.histogram, (std::vector<int64_t>{1, 2, 1, 2}));
}

void TestTensorStats::float16Specials()
{
    // 0x7c00 +Inf, 0xfc00 -Inf, 0x7e00 NaN, 0x8000 -0, 0x0001 smallest subnormal, 0x7bff 65504.
    const std::vector<uint16_t> bits = {0x7c00, 0xfc00, 0x7e00, 0x8000, 0x0001, 0x7bff};
    Bytes bytes(bits.size() * 2);
    std::memcpy(bytes.data(), bits.data(), bytes.size());
    const Tensor t(dtype::Float16, {6}, bytes);
    const TensorStats s = computeTensorStats(t);
    QCOMPARE(s.nans, int64_t(1));
    QCOMPARE(s.posInfs, int64_t(1));
    QCOMPARE(s.negInfs, int64_t(1));
    QCOMPARE(s.zeros, int64_t(1));
    QCOMPARE(s.max, 65504.0);
    QCOMPARE(s.min, -0.0);
    QCOMPARE(s.maxIndex, int64_t(5));
}

void TestTensorStats::strings()
{
    const Tensor t(std::vector<int64_t>{2}, std::vector<std::string>{"a", ""});
    const TensorStats s = computeTensorStats(t);
    QVERIFY(!s.numeric);
    QVERIFY(s.complete);
    QCOMPARE(s.count, int64_t(2));
}

void TestTensorStats::integersExactExtrema()
{
    // Beyond 2^53 the double min/max round; the indices point at the exact elements.
    const auto t = Tensor::int64s({9007199254740993, -5, 9007199254740992}, {3});
    const TensorStats s = computeTensorStats(*t);
    QCOMPARE(s.minIndex, int64_t(1));
    QCOMPARE(s.maxIndex, int64_t(0));
    QCOMPARE(t->intAt(s.maxIndex), int64_t(9007199254740993));
}

void TestTensorStats::progressAndCancel()
{
    std::vector<float> values(300000);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<float>(i % 1000) - 500.f;
    const auto t = floats({static_cast<int64_t>(values.size())}, values);

    QList<double> seen;
    TensorStatsOptions options;
    options.progress = [&](double f) {
        seen << f;
        return true;
    };
    const TensorStats s = computeTensorStats(*t, options);
    QVERIFY(s.complete);
    QVERIFY(seen.size() >= 4);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.last(), 1.0);

    int calls = 0;
    options.progress = [&](double) { return ++calls < 2; };
    const TensorStats cancelled = computeTensorStats(*t, options);
    QVERIFY(!cancelled.complete);
    QCOMPARE(calls, 2);
}

void TestTensorStats::largeTensorAccuracy()
{
    // 4M values 0.1 + k * 1e-7 : a naive float accumulation would be off by far more than 1e-9.
    const int64_t n = 1 << 22;
    std::vector<float> values(static_cast<std::size_t>(n));
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        values[static_cast<std::size_t>(i)] = 0.1f + static_cast<float>(i % 1024) * 1e-4f;
        sum += static_cast<double>(values[static_cast<std::size_t>(i)]);
    }
    const double mean = sum / static_cast<double>(n);
    double sq = 0;
    for (float v : values)
        sq += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
    const TensorStats s = computeTensorStats(*floats({n}, values));
    QVERIFY(close(s.mean, mean, 1e-12, 0));
    QVERIFY(close(s.std, std::sqrt(sq / static_cast<double>(n)), 1e-9, 0));
}

QTEST_GUILESS_MAIN(TestTensorStats)
#include "tst_tensorstats.moc"
