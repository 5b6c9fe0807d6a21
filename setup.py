"""kjgl — 科技管理信息平台.

The repository keeps the layout of the design card (``core/``, ``plugins/`` at
the top); they install as ``kjgl.core`` and ``kjgl.plugins`` under an implicit
``kjgl`` namespace so that the host never claims a generic top-level name.
"""
import os

from setuptools import setup


def find_packages_under(top, prefix):
    found = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "static", "templates")]
        if "__init__.py" in filenames:
            rel = os.path.relpath(dirpath, top)
            found.append(prefix if rel == "." else prefix + "." + rel.replace(os.sep, "."))
    return found


packages = find_packages_under("core", "kjgl.core") + find_packages_under("plugins", "kjgl.plugins")

requires = [
    "pyramid>=2.0,<2.2",
    "pyramid_tm>=2.5",
    "pyramid_retry>=2.1",
    "pyramid_chameleon>=0.3",
    "SQLAlchemy>=2.0",
    "zope.sqlalchemy>=3.0",
    "transaction>=4.0",
    "alembic>=1.13",
    "pluggy>=1.5",
    "waitress>=3.0",
    "argon2-cffi>=23.1",
    "captcha>=0.5",
    "python-stdnum>=1.20",
    "python-docx>=1.1",
    "xlsxwriter>=3.2",
    "pyramid_mailer>=0.15",
    "pypdf>=4.0",
    "cryptography>=42",  # AES-GCM sealing of personal data at rest (core/crypto.py)
    "pyotp>=2.9",  # TOTP second factor
    "segno>=1.6",  # QR code of the TOTP enrolment URI
    "setuptools<82",  # pyramid 2.1 and pyramid_chameleon import pkg_resources
]

extras = {
    "postgres": ["psycopg[binary]>=3.1"],
    "test": [
        "pytest>=8",
        "WebTest>=3.0",
        "playwright>=1.45",
        "psycopg[binary]>=3.1",
        "openpyxl>=3.1",
        "hypothesis>=6.100",
    ],
}

setup(
    name="kjgl",
    version="0.1.0",
    description="科技管理信息平台 — science & technology management information platform",
    packages=packages,
    package_dir={"kjgl.core": "core", "kjgl.plugins": "plugins"},
    include_package_data=True,
    package_data={"": ["templates/*.pt", "templates/**/*.pt", "static/*", "static/**/*",
                       "migrations/*", "migrations/**/*", "data/*", "*.md"]},
    python_requires=">=3.11",
    install_requires=requires,
    extras_require=extras,
    entry_points={
        "paste.app_factory": ["main = kjgl.core:main"],
        "console_scripts": ["kjgl = kjgl.core.cli:main"],
        "kjgl.plugins": [
            "makerspace = kjgl.plugins.makerspace.hooks",
            "incubator = kjgl.plugins.incubator.hooks",
            "national_record = kjgl.plugins.national_record.hooks",
            "enterprise_registry = kjgl.plugins.enterprise_registry.hooks",
        ],
        "pytest11": ["kjgl = kjgl.core.testing"],
    },
)
