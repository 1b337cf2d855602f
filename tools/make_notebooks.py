"""Write notebooks/*.ipynb (without outputs) from the cells below: python tools/make_notebooks.py"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

COMPARE = [
    new_markdown_cell("# 比较供应商合同\n\n分析 `data/contracts` 中的五份样例合同：风险排名、条款矩阵、商务条款、图表和谈判要点。"),
    new_code_cell("%matplotlib inline\nimport analyzer\n\ncomparison = analyzer.compare('../data/contracts')\ncomparison"),
    new_markdown_cell("## 风险排名与文件问题"),
    new_code_cell("comparison.ranking"),
    new_code_cell("comparison.issues"),
    new_markdown_cell("## 条款类别 × 供应商（偏向分：−1 有利客户 … +1 有利供应商）"),
    new_code_cell("comparison.matrix.round(2)"),
    new_code_cell("comparison.heatmap()"),
    new_markdown_cell("## 商务条款"),
    new_code_cell("comparison.terms"),
    new_code_cell("comparison.terms_chart()"),
    new_code_cell("comparison.risk_chart()"),
    new_markdown_cell("## 风险最高的供应商：逐条谈判要点"),
    new_code_cell("from IPython.display import Markdown\n"
                  "top = comparison.ranking.iloc[0]['vendor']\nMarkdown(comparison.brief(top))"),
    new_markdown_cell("## 导出完整报告"),
    new_code_cell("files = comparison.write('../reports/notebook')\nlen(files)"),
]

EXPLORE = [
    new_markdown_cell("# 探索条款\n\n条款长度、类别覆盖，以及用 scikit-learn 对条款聚类，找出分类体系没有覆盖的条款群。"),
    new_code_cell("%matplotlib inline\nimport analyzer\nimport pandas as pd\n\n"
                  "comparison = analyzer.compare('../data/contracts')\nclauses = comparison.clauses\n"
                  "clauses['chars'] = clauses['text'].str.replace(r'\\s', '', regex=True).str.len()\nclauses.head()"),
    new_markdown_cell("## 条款长度"),
    new_code_cell("clauses.groupby('vendor')['chars'].describe().round(1)"),
    new_code_cell("from analyzer.render.charts import _figure\n"
                  "fig = _figure(7, 3)\nax = fig.add_subplot()\nax.hist(clauses['chars'], bins=30, color='#2e86c1')\n"
                  "ax.set_xlabel('条款字数（不含空白）')\nax.set_ylabel('条款数')\nfig"),
    new_markdown_cell("## 类别覆盖"),
    new_code_cell("pd.crosstab(clauses['category'], clauses['vendor'])"),
    new_markdown_cell("## 聚类：分类体系漏掉了什么？\n\n用项目自己的 jieba 分词器做 TF-IDF，再用 KMeans 分组；"
                      "未归类（unclassified）占多数的组，就是分类体系可以补充的地方。"),
    new_code_cell("from sklearn.cluster import KMeans\nfrom sklearn.feature_extraction.text import TfidfVectorizer\n"
                  "from analyzer.tokens import tokenizer\n\n"
                  "body = clauses[~clauses['category'].isin(['parties'])].reset_index(drop=True)\n"
                  "vec = TfidfVectorizer(tokenizer=tokenizer().words, token_pattern=None, lowercase=False, min_df=2)\n"
                  "X = vec.fit_transform(body['text'])\n"
                  "km = KMeans(n_clusters=12, n_init=10, random_state=0).fit(X)\n"
                  "body['cluster'] = km.labels_\nterms = vec.get_feature_names_out()\n"
                  "summary = pd.DataFrame({\n"
                  "    'size': body.groupby('cluster').size(),\n"
                  "    'unclassified_share': body.assign(u=body['category'].eq('unclassified')).groupby('cluster')['u'].mean().round(2),\n"
                  "    'top_words': [' '.join(terms[i] for i in km.cluster_centers_[k].argsort()[::-1][:6]) for k in range(12)],\n"
                  "})\nsummary.sort_values('unclassified_share', ascending=False)"),
    new_markdown_cell("## 条款地图（TruncatedSVD 降到二维）"),
    new_code_cell("from sklearn.decomposition import TruncatedSVD\n"
                  "xy = TruncatedSVD(n_components=2, random_state=0).fit_transform(X)\n"
                  "fig = _figure(7, 5)\nax = fig.add_subplot()\n"
                  "sc = ax.scatter(xy[:, 0], xy[:, 1], c=body['cluster'], cmap='tab20', s=14)\n"
                  "ax.set_title('条款地图（颜色为聚类）')\nfig"),
]


def main() -> None:
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name, cells in (("01_compare_vendors.ipynb", COMPARE), ("02_explore_clauses.ipynb", EXPLORE)):
        nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                "language": "python"}})
        nbformat.write(nb, out / name)


if __name__ == "__main__":
    main()
