#include "SummaryPanel.h"

#include "diff/Report.h"
#include "model/ModelSummary.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <set>

namespace netfold {

namespace {
QTableWidgetItem* cell(const QString& text, bool bold = false)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (bold) {
        QFont f = item->font();
        f.setBold(true);
        item->setFont(f);
    }
    return item;
}
} // namespace

SummaryPanel::SummaryPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_counts = new QTableWidget(0, 3, this);
    m_counts->setObjectName("opCounts");
    m_counts->setHorizontalHeaderLabels({tr("Op"), tr("Original"), tr("Simplified")});
    m_counts->verticalHeader()->hide();
    m_counts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    layout->addWidget(m_counts, 2);

    m_verifyButton = new QPushButton(tr("Verify on random inputs"), this);
    m_verifyButton->setToolTip(tr("Run both models with netfold's evaluator on the same random inputs and compare"));
    connect(m_verifyButton, &QPushButton::clicked, this, [this] {
        if (m_watcher.isRunning())
            cancelVerify();
        else
            verify();
    });
    layout->addWidget(m_verifyButton);
    m_verifyShapes = new QLineEdit(this);
    m_verifyShapes->setObjectName("verifyShapes");
    m_verifyShapes->setPlaceholderText(tr("Input shapes, e.g. x:1,16000 (optional)"));
    m_verifyShapes->setToolTip(tr("Shapes of inputs to verify on (NAME:D,D,... separated by spaces or ';'); "
                                  "other symbolic dims get sizes the original model runs on"));
    layout->addWidget(m_verifyShapes);
    m_verifyStatus = new QLabel(this);
    m_verifyStatus->setWordWrap(true);
    layout->addWidget(m_verifyStatus);
    m_verify = new QTableWidget(0, 4, this);
    m_verify->setObjectName("verifyTable");
    m_verify->setHorizontalHeaderLabels({tr("Output"), tr("Max abs"), tr("Max rel"), tr("")});
    m_verify->verticalHeader()->hide();
    m_verify->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    layout->addWidget(m_verify, 1);

    connect(&m_watcher, &QFutureWatcher<VerifyResult>::finished, this, [this] {
        m_result = m_watcher.result();
        m_verifyButton->setEnabled(true);
        m_verifyButton->setText(tr("Verify on random inputs"));
        m_verify->setRowCount(0);
        if (m_result.cancelled && !m_result.ran) {
            m_verifyStatus->setText(tr("Verification cancelled: nothing was compared."));
        } else if (!m_result.ran) {
            // Nothing was compared: say why (no kernel, or the original itself does not run).
            m_verifyStatus->setText(tr("Not verified, %1.").arg(QString::fromStdString(m_result.reason)));
        } else {
            for (const auto& d : m_result.outputs) {
                const int r = m_verify->rowCount();
                m_verify->insertRow(r);
                m_verify->setItem(r, 0, cell(QString::fromStdString(d.name)));
                m_verify->setItem(r, 1, cell(QString::number(d.maxAbs, 'g', 3)));
                m_verify->setItem(r, 2, cell(QString::number(d.maxRel, 'g', 3)));
                m_verify->setItem(r, 3, cell(d.ok ? tr("ok") : tr("DIFFERENT ") + QString::fromStdString(d.problem), !d.ok));
            }
            QString text = m_result.ok ? tr("Same outputs on %1 random inputs (%2).")
                                             .arg(m_result.runs)
                                             .arg(QString::fromStdString(m_result.shapesText()))
                                       : tr("The outputs differ.");
            if (m_result.cancelled)
                text = tr("Cancelled after %1 random input(s); %2").arg(m_result.runs).arg(text);
            if (!m_result.error.empty())
                text += " " + QString::fromStdString(m_result.error);
            m_verifyStatus->setText(text);
        }
        emit verifyFinished(m_result.ran && m_result.ok);
    });
}

void SummaryPanel::setModels(std::shared_ptr<const Model> before, std::shared_ptr<const Model> after)
{
    m_before = std::move(before);
    m_after = std::move(after);
    m_counts->setRowCount(0);
    m_verify->setRowCount(0);
    m_verifyStatus->clear();
    if (!m_before || !m_after)
        return;
    const ModelStats a = statsOf(*m_before), b = statsOf(*m_after);
    // Before any step the right column is the original too: it says so.
    m_counts->setHorizontalHeaderItem(2, new QTableWidgetItem(m_before == m_after ? tr("Simplified (nothing run yet)")
                                                                                    : tr("Simplified")));
    std::set<std::string> ops;
    for (const auto& kv : a.opsTotal) // bodies counted too
        ops.insert(kv.first);
    for (const auto& kv : b.opsTotal)
        ops.insert(kv.first);
    auto addRow = [this](const QString& op, const QString& x, const QString& y, bool bold) {
        const int r = m_counts->rowCount();
        m_counts->insertRow(r);
        m_counts->setItem(r, 0, cell(op, bold));
        m_counts->setItem(r, 1, cell(x, bold));
        m_counts->setItem(r, 2, cell(y, bold || x != y));
    };
    for (const auto& op : ops) {
        const int x = a.opsTotal.count(op) ? a.opsTotal.at(op) : 0;
        const int y = b.opsTotal.count(op) ? b.opsTotal.at(op) : 0;
        addRow(QString::fromStdString(op), QString::number(x), QString::number(y), false);
    }
    addRow(tr("Nodes"), QString::number(a.nodes), QString::number(b.nodes), true);
    if (a.nodesTotal != a.nodes || b.nodesTotal != b.nodes)
        addRow(tr("Nodes with bodies"), QString::number(a.nodesTotal), QString::number(b.nodesTotal), true);
    addRow(tr("Initializers"), QString::number(a.initializers), QString::number(b.initializers), true);
    addRow(tr("Initializer bytes"), QString::fromStdString(formatBytes(a.initializerBytes)),
           QString::fromStdString(formatBytes(b.initializerBytes)), true);
    m_counts->resizeColumnsToContents();
}

SummaryPanel::~SummaryPanel()
{
    cancelVerify();
    m_watcher.waitForFinished();
}

void SummaryPanel::cancelVerify()
{
    if (m_cancel && m_watcher.isRunning()) {
        *m_cancel = true;
        m_verifyButton->setEnabled(false);
        m_verifyStatus->setText(tr("Cancelling..."));
    }
}

void SummaryPanel::verify()
{
    if (!m_before || !m_after || m_watcher.isRunning())
        return;
    m_verifyStatus->setText(tr("Running both models..."));
    VerifyOptions options;
    options.runs = 3;
    for (const QString& part : m_verifyShapes->text().split(QRegularExpression("[;\\s]+"), Qt::SkipEmptyParts)) {
        const int colon = part.lastIndexOf(':');
        std::vector<int64_t> dims;
        bool ok = colon > 0;
        for (const QString& d : part.mid(colon + 1).split(',', Qt::SkipEmptyParts))
            if (ok)
                dims.push_back(d.trimmed().toLongLong(&ok));
        const std::string name = part.left(colon).toStdString();
        const std::string problem = ok ? checkInputShape(*m_before, name, dims) : std::string("use NAME:D,D,...");
        if (!problem.empty()) {
            m_verifyButton->setEnabled(true);
            m_verifyStatus->setText(tr("Bad input shape '%1': %2").arg(part, QString::fromStdString(problem)));
            return;
        }
        options.inputShapes[name] = dims;
    }
    auto before = m_before, after = m_after;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    options.cancel = m_cancel.get();
    m_verifyButton->setText(tr("Cancel verification"));
    m_watcher.setFuture(QtConcurrent::run([before, after, options, cancel = m_cancel] {
        (void)cancel; // keeps the flag options.cancel points at alive
        return verifyModels(*before, *after, options);
    }));
}

} // namespace netfold
