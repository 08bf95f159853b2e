"""Vocabularies of the evidence app, shared by models, forms and the weight rule."""

from django.db import models


class StudyDesign(models.TextChoices):
    # Listed from strongest to weakest evidence, the order GRADE/EBM ranks them in.
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    RCT = "rct", "Randomised controlled trial"
    COHORT = "cohort", "Cohort study"
    CASE_CONTROL = "case_control", "Case-control study"
    CROSS_SECTIONAL = "cross_sectional", "Cross-sectional study"
    CASE_REPORT = "case_report", "Case report"
    ANIMAL = "animal", "Animal study"
    IN_VITRO = "in_vitro", "In vitro study"
    MECHANISTIC_REVIEW = "mechanistic_review", "Mechanistic study or narrative review"
    EXPERT_OPINION = "expert_opinion", "Expert opinion"


DESIGN_STRENGTH_ORDER = {design: index for index, design in enumerate(StudyDesign.values)}


class RiskOfBias(models.TextChoices):
    LOW = "low", "Low"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    HIGH = "high", "High"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class EffectMeasure(models.TextChoices):
    """How a study's result for the claim's outcome is measured (claims/meta_analysis.py)."""

    SMD = "smd", "Standardised mean difference (Hedges' g)"
    MD = "md", "Mean difference"
    RR = "rr", "Risk ratio"
    OR = "or", "Odds ratio"


RATIO_MEASURES = {EffectMeasure.RR, EffectMeasure.OR}
CONTINUOUS_MEASURES = {EffectMeasure.SMD, EffectMeasure.MD}
