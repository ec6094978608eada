# All settings live in settings.ini (nbdev 2); this file only translates them for setuptools.
from configparser import ConfigParser
import setuptools

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']
setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'],
    author=cfg['author'], author_email=cfg['author_email'], keywords=cfg['keywords'],
    url=cfg['git_url'], project_urls={'Repository': cfg['git_url']}, license='Apache-2.0',
    classifiers=['Programming Language :: Python :: 3', 'Natural Language :: English',
                 'Topic :: Scientific/Engineering :: Artificial Intelligence'],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    package_data={cfg['lib_path']: ['assets/*']},  # shipped teacher weights and the embedded MNIST sample
    include_package_data=True,
    install_requires=cfg.get('requirements', '').split(),
    # extras by what they enable: fskd_nb[dashboard] for live() and Dashboard in JupyterLab, fskd_nb[export] for ONNX files (and their check),
    # fskd_nb[tensorboard] for --log tensorboard, fskd_nb[dev] to develop fskd_nb
    extras_require={'dashboard': cfg.get('dashboard_requirements', '').split(), 'export': cfg.get('export_requirements', '').split(),
                    'tensorboard': cfg.get('tensorboard_requirements', '').split(),
                    'dev': cfg.get('dashboard_requirements', '').split() + cfg.get('export_requirements', '').split()
                           + cfg.get('tensorboard_requirements', '').split() + cfg.get('dev_requirements', '').split()},
    python_requires='>=' + cfg['min_python'],
    long_description=open('README.md', encoding='utf-8').read(), long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"{cfg.get('lib_path')}={cfg.get('lib_path')}._modidx:d"]},
)
