"""The report's Chinese (simplified) messages: the same keys and placeholders as
:mod:`zopa.report.messages_en` (see :mod:`zopa.report.i18n`)."""

MESSAGES: dict[str, str] = {
    # document, navigation, sections
    "doc.kind": "zopa 报告",
    "doc.kicker": "zopa 报告 · 截至 {as_of}",
    "nav.summary": "摘要", "nav.beliefs": "信念", "nav.values": "方案价值", "nav.frontier": "效用空间",
    "nav.issues": "议题", "nav.deadline": "截止期限", "nav.sources": "来源", "nav.reproducibility": "可复现性",
    "section.recommendation": "建议",
    "section.summary": "执行摘要",
    "section.beliefs": "双方信念的分歧",
    "section.values": "现行合同与各方案的价值",
    "section.frontier": "效用空间：ZOPA、帕累托前沿与预测的和解",
    "section.issues": "哪些议题可在 ZOPA 内变动",
    "section.deadline": "临近截止期限的谈判",
    "section.sources": "来源与假设",
    "section.negotiation": "迈向截止期限的谈判",
    "section.threats": "威胁及其可信度",
    "section.tornado": "结论取决于什么：逐一变动输入",
    "package.recommended": "预测的和解方案",
    "section.hinges": "建议取决于什么",
    "section.sobol": "全局敏感性（Sobol' 指数）",
    "section.gap": "信念差距",
    # introductions and notes
    "intro.summary": "用平实的话给出答案。ZOPA（可能达成协议的区间）是指让双方都至少不差于退出谈判（即各自的 BATNA，"
                     "谈判协议的最佳替代方案）的全部方案。",
    "h.named_gains": "各具名方案与现行合同的比较",
    "intro.named_gains": "各方在自身信念下相对于维持现行合同的收益，± 1 个标准误；绿色与红色表示明显超出噪声"
                         "（超过 2 个标准误），琥珀色表示未超出。",
    "note.how_sure": "这些数字有多可靠？每个 ± 是基于 {n} 条模拟路径{space}的一个蒙特卡洛标准误；超过两个标准误的数字"
                     "称为明确。这只是模拟噪声：结论还依赖于“来源”中列出的各项假设。",
    "note.space_paths": "（方案空间为 {n} 条）",
    "intro.beliefs": "每张图给出双方对某一存在分歧的输入的累积分布：曲线在 x 处的高度是该输入不超过 x 的概率。"
                     "曲线在未到 100% 处停止（以空心圆标出）时，剩余部分即该事件在情景期限内不发生的概率。"
                     "{a} 为蓝色，{b} 为橙色。",
    "h.beliefs_table": "双方看法不同的全部输入",
    "h.other_differences": "双方之间的其他差异",
    "beliefs.same": "双方对所有输入持有相同的信念。",
    "intro.values": "以 {unit} 计的现值，各现金流按其风险对应的市场利率折现（双方相同），在各方自身信念下，"
                    "基于 {paths} 条模拟路径。风险厌恶的一方按其确定性等价（CE）计值，风险中性的一方按均值计值。"
                    "误差线为 ±2 个蒙特卡洛标准误（约为估计值的 95% 置信区间）；它衡量的是模拟噪声，"
                    "而非结果的分布范围（悬停可见 5–95% 区间）。",
    "h.cross_beliefs": "各方在自身信念与对方信念下的价值（均值 ± 1 个标准误）",
    "intro.cross_beliefs": "两列不同之处，就是双方对方案价值看法不一之处：这种分歧正是交易可以利用的空间。",
    "h.term_by_term": "逐条款分解：{package}",
    "intro.waterfall": "每根条形从某条款之前的累计值延伸到其之后的累计值：绿色条款为该方增加价值，红色条款减少价值；"
                       "最后一根为合计（风险中性均值，自身信念）。每个条款的价值 ± 1 个标准误写在其名称下方；"
                       "误差线为 ±2 个标准误。",
    "intro.frontier": "方案空间中的 {n} 个方案各为一个点：横轴为其对 {a} 的价值，纵轴为对 {b} 的价值；灰色深浅表示每格"
                      "方案数。虚线为各方的 BATNA（带 ±2 个标准误区间）：位于两条虚线右上方的方案构成 ZOPA（绿色）。"
                      "黑色阶梯线为帕累托前沿——不存在对双方都更好的方案。标记为各谈判解（理论预测的和解点），"
                      "带编号的圆圈为具名方案，均带 ±2 个标准误误差线；图例即图注。",
    "h.solutions": "各谈判解并列比较",
    "intro.solutions": "高亮的行是各谈判解意见不一的议题。",
    "intro.issues": "对每个议题：至少出现在一个 ZOPA 方案中的选项（绿色标签，含该选项的方案中位于 ZOPA 内的比例越高，"
                    "颜色越深），以及从未出现的选项（灰色）。可自由变动的议题是谈判筹码；固定的议题由 BATNA 决定。",
    "intro.deadline": "截止期限前持续出价；若期限已过，则在缩小的剩余上继续谈判：每轮拖延损失更大的一方让步更多。",
    "intro.sources": "情景中的每个数字：其分布（双方意见不一时分别列出）、单位及出处。",
    "h.settlement": "预测的和解（纳什谈判解）",
    # key figures
    "card.zopa": "是否存在 ZOPA？", "card.width": "区间有多宽？",
    "card.zopa_count": "{total} 个方案中的 {count} 个（{share}）；{sure}",
    "card.within_noise": "在蒙特卡洛噪声之内", "card.robust": "{n} 个超出 {z} 个标准误",
    "card.width_note": "相对于退出谈判的最大收益，{unit}：{a} / {b}",
    "card.no_zopa": "最接近的方案合计仍差 {shortfall} {unit}", "card.no_zopa_noise": "；在噪声之内",
    "card.nash_gain": "{name} 的收益（纳什解，{measure}）", "card.nash_note": "相对于其 BATNA（{package}）的 {unit}，± 1 个标准误",
    # words
    "word.yes": "是", "word.no": "否", "word.na": "不适用", "word.nothing": "无", "word.within_noise": "在噪声之内",
    "measure.ce": "CE", "measure.mean": "均值", "measure.value": "价值", "measure.ce_long": "确定性等价",
    "measure.mean_long": "均值",
    "sep.list": "、", "sep.terms": "；", "sep.and": "和", "pair": "{k}：{v}", "end": "。",
    "what.pv": "现值", "what.gain_sq": "相对现行合同的收益", "what.mean": "风险中性均值",
    "what.gain_batna": "相对退出谈判的收益", "what.offer": "出价的价值", "what.amount": "金额",
    # table headers
    "th.package": "方案", "th.gain_to": "{name} 的收益（{measure}）", "th.input": "输入", "th.unit": "单位",
    "th.own_beliefs": "{name}：自身信念", "th.other_beliefs": "{name}：按 {other} 的信念",
    "th.issue": "议题", "th.inside": "在 ZOPA 内",
    "th.options": "选项（含该选项的方案中位于 ZOPA 内的比例）",
    "th.quantity": "量", "th.value": "数值", "th.meaning": "含义", "th.distribution": "分布",
    "th.source": "来源", "th.citation": "引文", "th.round": "轮次", "th.date": "日期", "th.proposer": "出价方",
    "th.accepted": "接受", "th.who": "谁", "th.threat": "威胁", "th.credible": "可信",
    "th.chosen": "实际选择", "th.shortfall": "差额 ± 标准误", "th.note": "备注", "th.view": "视角",
    "th.gain_of": "{name}：收益", "th.term": "条款", "th.question": "问题", "th.answer": "答案",
    "th.in_force": "{name}：现行合同", "th.nash_package": "纳什方案",
    # other differences
    "other.discount": "贴现率（每年）", "other.risk": "风险厌恶（CARA，每 {unit}）",
    "other.neutral": "无（风险中性）", "other.delay": "每轮拖延的成本（{unit}）",
    "other.batna": "退出时的替代方案（BATNA 候选）",
    "qunit.year": "公历年", "qunit.years": "年", "qunit.probability": "概率", "qunit.share": "比例",
    "qunit.rate": "年率", "qunit.nonnegative": "数值（≥ 0）", "qunit.any": "数值", "qunit.positive": "数值（> 0）",
    # deal space
    "solutions.none": "没有方案位于 ZOPA 内，因此不存在谈判解。",
    "solutions.value": "<b>{name}：价值（{measure}）</b>", "solutions.gain": "<b>{name}：相对 BATNA 的收益（{measure}）</b>",
    "solutions.package": "<b>方案编号</b>",
    "solution.nash": "纳什解", "solution.kalai_smorodinsky": "Kalai–Smorodinsky 解", "solution.egalitarian": "平等主义解",
    "solution.utilitarian": "功利主义解（联合价值最大）", "solution.weighted_nash": "耐心加权纳什解",
    "issues.none": "方案空间中没有可报告的议题。",
    "issues.free": "可自由变动", "issues.limited": "可在一定范围内变动", "issues.fixed": "固定",
    "issues.none_status": "无 ZOPA",
    "deadline.none": "无截止期限谈判：情景未设定截止期限（或没有可分配的剩余）。",
    "deadline.text": "<p>每 {months} 个月出价一次，直至 {deadline}：<b>{rounds} 轮</b>；每轮任一方以 {q} 的概率出价"
                     "（{first} 列为第一方）。每拖延一轮，各方损失其不耐心（见下方贴现因子）；出价被拒后，谈判以 "
                     "{breakdown} 的概率破裂。若截止期限已过，剩余的 {loss} 将损失（重组溢价），谈判在其余部分上继续。"
                     "{first} 的期望份额：<b>{finite}</b>（无截止期限时为 {stationary}；无破裂风险的 Rubinstein "
                     "交替出价：{infinite}）。</p>",
    "deadline.rounds": "距截止期限的轮数", "deadline.delta": "每轮贴现因子 δ：{name}",
    "deadline.delta_note": "{name} 每拖延一轮损失剩余的 {loss}",
    "deadline.breakdown": "每次出价被拒后的破裂概率", "deadline.lost": "截止期限时损失的剩余",
    "deadline.lost_note": "联合重组溢价，{unit}",
    "deadline.rubinstein": "{first} 的剩余份额（Rubinstein）",
    "deadline.rubinstein_note": "交替出价，无破裂风险，无截止期限（Rubinstein 1982）",
    "deadline.stationary": "{first} 的份额（随机出价方，无截止期限）",
    "deadline.stationary_note": "Binmore、Rubinstein 与 Wolinsky（1986）",
    "deadline.finite": "{first} 的份额（有截止期限）",
    "deadline.finite_note": "随机出价方；截止期限时的损失，之后谈判继续",
    "deadline.ultimatum": "若截止期限以最后通牒结束谈判时 {first} 的份额",
    "deadline.ultimatum_note": "仅供比较：随轮数奇偶而翻转",
    "deadline.weight": "{a} / {b} 的谈判权重", "deadline.weight_note": "用于耐心加权纳什解",
    # sources
    "sources.intro": "<p>共 {n} 个数字；<b>其中 {assumed} 个基于我们自己的假设</b>（高亮显示），而非有日期的公开报道、"
                     "监管文件或种子文档。其他部分的误差线只衡量模拟噪声：不涵盖这些假设出错的情形。</p>",
    "sources.believed_by": "{name} 的看法", "sources.missing": "（无此来源）", "sources.list": "来源列表",
    "kind.seed": "种子文档", "kind.report": "报道", "kind.filing": "文件", "kind.assumption": "假设",
    "kind.missing": "缺失",
    # footer
    "footer.version": "zopa 版本", "footer.scenario": "情景", "footer.file": "情景文件",
    "footer.hash": "情景哈希（SHA-256，规范化）", "footer.seed": "随机种子", "footer.paths": "路径数",
    "footer.space": "方案空间路径数 / 种子", "footer.date": "运行日期", "footer.command": "命令",
    "footer.same": "相同的情景、种子和路径数给出相同的数字。",
    # distributions
    "dist.never": "从不", "dist.uniform": "均匀分布 {low} – {high}", "dist.triangular": "三角分布 {low} – {mode} – {high}",
    "dist.pert": "PERT 分布 {low} – {mode} – {high}（λ = {lamb}）", "dist.normal": "正态分布，均值 {mean}，标准差 {sd}",
    "dist.lognormal": "对数正态分布，{interval} 落在 [{lo}, {hi}]",
    "dist.beta": "贝塔分布（α = {alpha}，β = {beta}），区间 [{low}, {high}]",
    "dist.exponential": "指数分布，速率 {rate}，自 {start} 起", "dist.discrete": "取值之一：{values}",
    "dist.mixture": "混合分布：{parts}", "dist.blend": "从 {a} 向 {b} 移动 {weight}",
    "dist.p_never": "；期限内不发生：{p}",
    "input.named": "{name}（具名输入）",
    "output.gain": "{party} 从“{package}”获得的相对现行合同的收益（{measure}）",
    "output.value": "{party} 对“{package}”的估值（{measure}）",
    "output.width": "{party} 的 ZOPA 宽度（其相对退出谈判的最大收益）",
    # charts
    "axis.money": "{unit}（{what}）", "axis.year": "公历年", "axis.years": "年", "axis.probability": "概率",
    "axis.share": "比例", "axis.rate": "年率", "axis.value": "数值", "axis.cumulative": "累积概率",
    "axis.party_value": "{name}：{measure}，{unit}", "axis.round": "轮次（至截止期限，每月一轮）",
    "axis.sobol": "Sobol' 指数（方差占比）", "axis.gap": "{mover} 的信念向对方移动的程度",
    "chart.beliefs.never": "{name}：在期限内不发生的概率为 {p}",
    "chart.values.title": "各方案对每一方的价值（自身信念；误差线 ±2 个标准误）",
    "chart.values.left": "对各方的价值", "chart.values.right": "相对现行合同的收益",
    "hover.value": "{name}（{measure}）：{value} {unit}<br>结果的 5–95%：{q05} 至 {q95}",
    "hover.gain": "{name}（{measure}）：相对现行合同 {value} {unit}",
    "chart.waterfall.title": "“{package}”的价值从何而来：逐条款分解（风险中性均值，±2 个标准误）",
    "chart.waterfall.panel": "对 {name}", "chart.waterfall.adds": "增加价值", "chart.waterfall.takes": "减少价值",
    "chart.waterfall.total": "合计（均值）", "chart.waterfall.total_of": "对 {name} 的合计（均值）",
    "chart.space.title": "方案空间中的每个方案在效用空间中的位置",
    "chart.space.packages": "方案（{n} 个）", "chart.space.density": "方案（{n} 个，密度）",
    "chart.space.per_cell": "每格方案数", "chart.space.zopa": "ZOPA（{n} 个方案）",
    "chart.space.frontier": "帕累托前沿（{n}）", "chart.space.batna": "{name} 的 BATNA（{package}）：{value} {measure}（区间 ±2 个标准误）",
    "chart.space.solutions": "谈判解（±2 个标准误）", "chart.space.named": "具名方案（±2 个标准误）",
    "hover.cell": "(%{x:,.4g}, %{y:,.4g}) 附近有 %{customdata:,} 个方案",
    "hover.solution_gains": "相对 BATNA 的收益：{a}，{b} {unit}",
    "chart.negotiation.title": "逐轮出价：{a}（{sa}）对 {b}（{sb}）",
    "chart.negotiation.offers": "{proposer} 的出价：对 {to} 的价值（{measure}）",
    "chart.negotiation.batna": "{name} 的 BATNA：{value}", "chart.negotiation.nash": "纳什点：对 {name} 的价值 {value}",
    "chart.tornado.title": "什么在影响{output}？", "chart.tornado.low": "输入取其 10% 分位数（±2 个标准误）",
    "chart.tornado.high": "输入取其 90% 分位数（±2 个标准误）", "chart.tornado.base": "所有输入如情景设定：{value}",
    "chart.tornado.noise": "（在噪声之内）",
    "chart.sobol.title": "哪些输入解释了{output}的方差？（Sobol'，{n} 个基础样本）",
    "chart.sobol.S1": "一阶指数 S1（{pct}% 区间）", "chart.sobol.ST": "总指数 ST（{pct}% 区间）",
    "chart.gap.title": "将 {mover} 的信念向对方移动",
    "chart.gap.bet": "对分歧的押注（±2 个标准误上界）", "chart.gap.created": "创造的价值（±2 个标准误上界）",
    "chart.gap.nash": "{name} 的纳什收益（{measure}，±2 个标准误）",
    # later sections
    "negotiation.intro": "<p>当 {a} 采用 <b>{sa}</b> 策略、{b} 采用 <b>{sb}</b> 策略时的谈判过程：自 {start} 起每轮一次出价，"
                         "直至截止期限（{rounds} 轮；每拖延一轮，{a} 损失 {ca}，{b} 损失 {cb} {unit}）。实线：对 {a} "
                         "的价值；点线：对 {b} 的价值。{outcome} 与纳什点的距离：{dist} {unit}。</p>",
    "negotiation.agreement": "在第 {round} 轮达成协议：{terms}。",
    "negotiation.none": "未达成协议（{ending}）：双方退回各自的 BATNA。",
    "threats.intro": "<p>威胁博弈用逆向归纳法求解：每一方在其每一步都根据后续博弈选择对自己最有利的行动，并按自身信念"
                     "评估随机结果。若被拒绝后威胁方确实会实施，该威胁即为<b>可信</b>。收益为各方对最终方案的估值"
                     "（{unit}），已扣除威胁与诉讼的成本。</p>",
    "threats.path": "<p><b>子博弈完美路径：</b>{path}；价值 {values}。<b>若谈判失败</b>且威胁付诸实施，分歧点为 {point}。</p>",
    "threats.within_noise": "在噪声之内", "threats.off_path": "不在均衡路径上", "threats.tree": "博弈树",
    "tornado.intro": "<p>每根条形把一个输入从其 10% 分位数移动到 90% 分位数（双方信念不同时用各自的分位数），其余输入"
                     "保持情景中的不确定性；各行按输出变动幅度排序，名称下方为 10%–90% 的取值。淡色条形在蒙特卡洛噪声"
                     "之内；误差线为 ±2 个标准误。</p>",
    "hinges.intro": "<p>双方从预测的和解方案（{package}）相对现行合同获得的收益，随每个输入从其 10% 分位数移动到 90% "
                    "分位数（双方信念不同时用各自的分位数）而变化，其余输入保持情景中的不确定性；各行按收益变动幅度排序。"
                    "全部 {variants} 个变体使用同一组 {paths} 条随机路径（共同随机数），因此尽管每个变体的路径少于主要结果，"
                    "变动幅度仍被精确测量；虚线基准值是在这些路径上估计的主要结果收益，因此与之相差蒙特卡洛噪声。淡色条形在蒙特卡洛噪声之内；"
                    "误差线为 ±2 个标准误。</p>",
    "tornado.note": "<p><small>这些运行使用的路径数少于主要结果，方案空间网格也经过稀疏化，因此其基准值与上文略有不同；"
                    "重要的是变动幅度。</small></p>",
    "sobol.intro": "<p>Sobol' 指数把方案价值在各路径上的方差分解到各输入：一阶指数是某输入单独解释的份额，总指数还包括其"
                   "交互作用。收入冲击和随机事件仍然是随机的，因此各指数之和小于一。</p>",
    "gap.intro": "<p>当双方看法不同（尤其是 AGI 何时到来）时，双方都可能期望从同一条款中获益。<b>押注</b>是纳什方案的"
                 "联合收益中仅因各方按自身信念估值而存在的部分；<b>创造的价值</b>是双方都会认同的部分。信念相同时"
                 "押注为零。条形的误差线是噪声的上界，假设按对方信念计算的收益与按自身信念计算的收益同样嘈杂。</p>",
    # verdict
    "verdict.exists": "存在 ZOPA：{total} 个{scope}方案中有 {count} 个让双方都优于退出谈判{robust}。",
    "verdict.of_space": "方案空间中的", "verdict.robust": "（其中 {n} 个超出 {z} 个标准误）",
    "verdict.width": "其宽度：{a} 最多获得 {w1} {unit} 的收益，{b} 最多获得 {w2} {unit}。",
    "verdict.exists_noise": "但没有方案以超过蒙特卡洛噪声的幅度同时超过双方的 BATNA：在断定可以达成交易之前，请增加路径数。",
    "verdict.scope_space": "方案空间中的方案", "verdict.scope_named": "具名方案",
    "verdict.none": "不存在 ZOPA：没有任何{scope}对双方都不差于退出谈判；最接近的方案合计仍差 {shortfall} {unit}。",
    "verdict.none_noise": "有 {n} 个方案的差距小于蒙特卡洛噪声：ZOPA 不存在这一结论并不确定。",
    "verdict.gap": "对缩小差距最重要的议题：{issue}——取其最佳选项（{option}）时差距为 {gap} {unit}；取其最差选项时至少为 {after}。",
    "verdict.nash": "纳什谈判预测：{choices}——{a} 获得 {ga}，{b} 获得 {gb} {unit}（相对退出谈判）。",
    "verdict.averse_one": "（基于期望效用的纳什谈判：{names} 是风险厌恶的。）",
    "verdict.averse_both": "（基于期望效用的纳什谈判：{names} 都是风险厌恶的。）",
    "verdict.stability": "对蒙特卡洛路径重抽样（{n} 次自助重抽样）时，该方案在 {share} 的重抽样中仍是纳什解",
    "verdict.alternative": "；最常见的替代方案（{share}）的不同之处在于 {diff}",
    "verdict.named_both": "{a} 和 {b} 都更偏好以下方案而非现行合同（超过 2 个标准误）：{packages}。",
    "verdict.named_within": "双方也都偏好以下方案，但在蒙特卡洛噪声之内：{packages}。",
    "verdict.named_none": "没有任何具名方案对 {a} 和 {b} 都优于现行合同。",
    # recommendation
    "rec.no_zopa": "没有方案让双方都优于退出谈判：无可推荐的和解。",
    "rec.settlement": "预测的和解（{basis}）：{choices}。",
    "rec.gains": "{a} 获得 {ga}，{b} 获得 {gb} {unit}（相对退出谈判）；在各支持视角下，{a} 获得 {a_lo} 至 {a_hi}，"
                 "{b} 获得 {b_lo} 至 {b_hi}。",
    "rec.opening_same": "预测的和解本身",
    "rec.walk_value": "价值 {value}", "rec.walk_floor": "，相对其 BATNA 为 {floor}",
    "rec.walk_batna": "其 BATNA：{package}",
    "rec.side": "{name}：以该和解为目标（{target}）；以 {opening} 开价（{opening_gain}）；低于 {walk} 时退出（{label}）。",
    "rec.why": "原因——推动相对现行合同收益的条款：{terms}。",
    "rec.term": "{label}（{a} {va}，{b} {vb}）",
    "rec.bet": "在这些收益中，{va}（{a}）和 {vb}（{b}）仅在各方自身信念下存在（即对分歧的押注）；其余是交易创造的价值。",
    "rec.premium": "在截止期限前完成重组本身的联合价值为 {value} {unit}{share}：即错过期限将损失的风险资金。",
    "rec.premium_share": "（占联合收益的 {share}）",
    "rec.threats": "威胁使分歧点移动了 {va}（{a}）和 {vb}（{b}）。",
    "rec.negotiation": "模拟谈判（{sa} 对 {sb}）达成的方案使 {a} 获得 {ga}，{b} 获得 {gb}。",
    "rec.negotiation_none": "模拟谈判未达成协议：所采用的策略没有利用 ZOPA。",
    "rec.stability": "对称纳什方案在 {share} 的路径自助重抽样中保持不变。",
    "rec.edge_low": "{issue} 取 {option}，位于所考察范围的下端：和解可能在范围之外。",
    "rec.edge_high": "{issue} 取 {option}，位于所考察范围的上端：和解可能在范围之外。",
    "rec.views": "支持视角",
    "rec.terms_title": "各条款对相对现行合同收益的贡献（自身信念，风险中性均值）",
    "rec.vt_title": "威胁与分歧点（纳什可变威胁博弈）",
    "rec.branch_headline": "（主要结果）",
    "rec.branches": "未决问题：每个答案作为独立情景分析",
    "vt.threats": "最优威胁（纳什可变威胁博弈，可转移效用）：{chosen}。",
    "vt.point": "威胁点：{points} {unit}。",
    "vt.point_one": "{name} {value}（相对现状 {shift}，配对）",
    "vt.settlement": "经由“{package}”在前沿上的和解（联合价值 {joint}）：{values} {unit}。",
    "vt.no_equilibrium": "在该交易的方案上，威胁博弈没有纯策略均衡。",
    "vt.no_deal": "无交易",
    "vt.equilibrium": "该交易方案上的均衡：{a} {ta}，{b} {tb} → {what}：{values}。",
}
