from groups.sitemaps import StaticPageSitemap


class ContactDirectorySitemap(StaticPageSitemap):
    def items(self):
        return ["contacts:list"]
