"""班子与单位: post quotas (职数), team composition, avoidance (回避)."""
