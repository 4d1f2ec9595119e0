"""The responsibility system (安全责任制): standard posts, the people who hold them and their
certificates, assignments and handovers, the yearly responsibility letters, coverage of posts
and safety areas, and the Excel import. Its models belong to the `safety` app."""
