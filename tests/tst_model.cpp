#include "ModelBuilder.h"
#include "TestSupport.h"

#include "model/DataType.h"
#include "model/Error.h"
#include "model/ModelIO.h"

#include <QtTest>

using namespace netfold;
using namespace netfold::test;

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void placeholder();
};

void TestModel::placeholder()
{
    Model m = loadModel(dataPath("seed_static.onnx").toStdString());
    QCOMPARE(m.graph.nodes.size(), std::size_t(15));
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
