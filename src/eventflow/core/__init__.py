"""The hexagon: entities, rules, ports and use cases. Framework-free."""
