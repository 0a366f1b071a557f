from convenant.governance.routes import bodies, budget, decisions

urlpatterns = [*decisions.urlpatterns, *bodies.urlpatterns, *budget.urlpatterns]
