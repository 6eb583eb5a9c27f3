#include "TestSupport.h"

#include <QtTest>

using namespace netfold::test;

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void infoRuns();
};

void TestCli::infoRuns()
{
    auto r = runCli({"info", dataPath("seed_static.onnx")});
    QCOMPARE(r.exitCode, 0);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
