#include "AboutDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSvgRenderer>
#include <QVBoxLayout>

static void initAppResources() { Q_INIT_RESOURCE(app); }

namespace netfold {

std::vector<ComponentVersion> runtimeVersions()
{
    std::string qtDetail = "built with " QT_VERSION_STR;
    if (qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        qtDetail += ", platform " + QGuiApplication::platformName().toStdString();
    std::vector<ComponentVersion> out{{"Qt", qVersion(), qtDetail}};
    for (auto& c : libraryVersions())
        out.push_back(std::move(c));
    return out;
}

QString versionText() { return QString::fromStdString(versionReport("netfold", runtimeVersions())); }

QIcon appIcon()
{
    initAppResources();
    QSvgRenderer svg(QStringLiteral(":/icons/org.netfold.Netfold.svg"));
    QIcon icon;
    if (!svg.isValid())
        return icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About netfold"));
    m_text = versionText();

    auto* logo = new QLabel(this);
    logo->setPixmap(appIcon().pixmap(96, 96));
    logo->setAlignment(Qt::AlignTop);

    auto* title = new QLabel(this);
    title->setObjectName(QStringLiteral("aboutTitle"));
    title->setTextFormat(Qt::RichText);
    title->setText(QStringLiteral("<h2>netfold %1</h2>").arg(QString::fromStdString(appVersion()).toHtmlEscaped()));

    auto* blurb = new QLabel(tr("See what an ONNX simplifier folds: the graph before and after, side by side."), this);
    blurb->setWordWrap(true);

    auto* commit = new QLabel(tr("Built from git commit %1").arg(QString::fromStdString(gitCommit())), this);
    commit->setObjectName(QStringLiteral("aboutCommit"));
    commit->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // One row per library: name, version in use, how it was found out.
    auto* versions = new QWidget(this);
    versions->setObjectName(QStringLiteral("aboutVersions"));
    auto* grid = new QGridLayout(versions);
    grid->setContentsMargins(0, 6, 0, 6);
    grid->setHorizontalSpacing(14);
    int row = 0;
    for (const ComponentVersion& c : runtimeVersions()) {
        auto* name = new QLabel(QStringLiteral("<b>%1</b>").arg(QString::fromStdString(c.name).toHtmlEscaped()), versions);
        auto* version = new QLabel(QString::fromStdString(c.version), versions);
        version->setObjectName(QStringLiteral("version_") + QString::fromStdString(c.name));
        auto* detail = new QLabel(QString::fromStdString(c.detail), versions);
        detail->setEnabled(false); // the lighter colour: secondary text
        for (QLabel* l : {version, detail})
            l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(name, row, 0);
        grid->addWidget(version, row, 1);
        grid->addWidget(detail, row, 2);
        ++row;
    }
    grid->setColumnStretch(2, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy Version Info"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyVersion"));
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_text); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* text = new QVBoxLayout;
    text->addWidget(title);
    text->addWidget(blurb);
    text->addWidget(commit);
    text->addWidget(versions);
    text->addStretch();
    auto* top = new QHBoxLayout;
    top->addWidget(logo);
    top->addSpacing(12);
    top->addLayout(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
}

} // namespace netfold
