"""Development tools for the fixture sites, kept out of the installed package: the generator that builds
edunews/fixtures/sites from corpus.json (`python -m fixture_tools.build`), the family renderers it uses, and the
judges that compare an archive with a site's truth (truth.py) and with trafilatura (versus.py). Tests and benches
import them from a checkout; the package ships only the built sites and their server."""
